// Where processed payments are recorded, for GET /payments-summary. One interface, several
// stores (memory per instance merged over the peer's socket; Redis later).
import type { ProcessorName } from '../core/policy.js';

export interface Totals {
  readonly count: number;
  readonly cents: number;
}

export type Summary = Readonly<Record<ProcessorName, Totals>>;

export interface PaymentRecords {
  /** True when every instance reads the same records (Redis); false when each keeps its own. */
  readonly shared: boolean;
  /** Records a payment the processor stored, with the exact requestedAt it was sent with. */
  record(
    processor: ProcessorName,
    correlationId: string,
    cents: number,
    requestedAtMs: number,
  ): Promise<void>;
  /** Records in [from, to] (inclusive; a missing bound means unbounded): this instance's, or all if shared. */
  summary(fromMs?: number, toMs?: number): Promise<Summary>;
  purge(): Promise<void>;
  close(): Promise<void>;
}

/** Renders the contract's JSON with exact decimal amounts. */
export function renderSummary(s: Summary): string {
  const part = (t: Totals) =>
    `{"totalRequests":${t.count},"totalAmount":${(t.cents / 100).toFixed(2)}}`;
  return `{"default":${part(s.default)},"fallback":${part(s.fallback)}}`;
}

export function addSummaries(a: Summary, b: Summary): Summary {
  return {
    default: { count: a.default.count + b.default.count, cents: a.default.cents + b.default.cents },
    fallback: {
      count: a.fallback.count + b.fallback.count,
      cents: a.fallback.cents + b.fallback.cents,
    },
  };
}
