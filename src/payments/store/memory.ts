// The embedded store: each instance keeps the payments it processed, per processor, in memory
// (the shared PaymentLedger: per-second buckets, exact cents). GET /payments-summary merges the
// peer instance's part, fetched over its unix socket (see http/handler.ts).
import { RinhaError } from '../../errors.js';
import { PaymentLedger } from '../../shared/payment-ledger.js';
import type { ProcessorName } from '../core/policy.js';
import type { PaymentRecords, Summary } from './store.js';

export class MemoryRecords implements PaymentRecords {
  readonly shared = false;
  private readonly ledgers: Record<ProcessorName, PaymentLedger> = {
    default: new PaymentLedger(),
    fallback: new PaymentLedger(),
  };

  async record(
    processor: ProcessorName,
    correlationId: string,
    cents: number,
    requestedAtMs: number,
  ): Promise<void> {
    const r = this.ledgers[processor].add(correlationId, cents, requestedAtMs);
    if (r === 'full')
      throw new RinhaError(
        'STORE_FULL',
        `memory store full (${this.ledgers[processor].maxPayments} payments)`,
      );
  }

  async summary(fromMs?: number, toMs?: number): Promise<Summary> {
    return {
      default: this.ledgers.default.summary(fromMs, toMs),
      fallback: this.ledgers.fallback.summary(fromMs, toMs),
    };
  }

  async purge(): Promise<void> {
    this.ledgers.default.purge();
    this.ledgers.fallback.purge();
  }

  async close(): Promise<void> {}
}
