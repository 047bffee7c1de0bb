// Outbound HTTP to one payment processor with undici: a keep-alive pool with an explicit number
// of connections and explicit timeouts. Every failure is turned into a Reply the pure core
// classifies (outcome.ts); nothing here decides what a failure means.
import { Pool, errors } from 'undici';
import { formatCents } from '../../shared/money.js';
import type { Reply } from '../core/outcome.js';
import type { Health, ProcessorName } from '../core/policy.js';

export interface ProcessorClientOptions {
  readonly name: ProcessorName;
  readonly url: string;
  /** Keep-alive connections to this processor. */
  readonly connections: number;
  /** How long a payment may take before its outcome is UNKNOWN (above the slowest delay, 5 s). */
  readonly paymentTimeoutMs: number;
  readonly token?: string;
}

export const DEFAULT_PAYMENT_TIMEOUT_MS = 6_000;
export const HEALTH_CALL_TIMEOUT_MS = 2_000;
const CONNECT_TIMEOUT_MS = 1_000;

function failure(err: unknown): Reply {
  if (err instanceof errors.HeadersTimeoutError || err instanceof errors.BodyTimeoutError)
    return { kind: 'timeout' };
  const code = (err as { code?: string }).code;
  // Refused or unreachable before anything was written: the request never reached the processor.
  if (
    code === 'ECONNREFUSED' ||
    code === 'ENOENT' ||
    code === 'UND_ERR_CONNECT_TIMEOUT' ||
    code === 'EHOSTUNREACH'
  )
    return { kind: 'connection', sent: false };
  return { kind: 'connection', sent: true };
}

export class ProcessorClient {
  private readonly pool: Pool;

  constructor(readonly o: ProcessorClientOptions) {
    this.pool = new Pool(o.url, {
      connections: o.connections,
      pipelining: 1,
      connectTimeout: CONNECT_TIMEOUT_MS,
      keepAliveTimeout: 30_000,
    });
  }

  get name(): ProcessorName {
    return this.o.name;
  }

  /** POST /payments; the requestedAt sent is the one the payment is recorded with. */
  async pay(correlationId: string, cents: number, requestedAt: string): Promise<Reply> {
    try {
      const r = await this.pool.request({
        method: 'POST',
        path: '/payments',
        headers: { 'content-type': 'application/json' },
        body: `{"correlationId":"${correlationId}","amount":${formatCents(BigInt(cents))},"requestedAt":"${requestedAt}"}`,
        headersTimeout: this.o.paymentTimeoutMs,
        bodyTimeout: this.o.paymentTimeoutMs,
      });
      await r.body.dump();
      return { kind: 'answer', status: r.statusCode };
    } catch (err) {
      return failure(err);
    }
  }

  /** GET /payments/{id}: whether the processor stored it (not delayed, not failure-mode bound). */
  async lookup(correlationId: string): Promise<Reply> {
    try {
      const r = await this.pool.request({
        method: 'GET',
        path: `/payments/${correlationId}`,
        headersTimeout: HEALTH_CALL_TIMEOUT_MS,
        bodyTimeout: HEALTH_CALL_TIMEOUT_MS,
      });
      await r.body.dump();
      return { kind: 'answer', status: r.statusCode };
    } catch (err) {
      return failure(err);
    }
  }

  /** GET /payments/service-health; undefined when it cannot be read (429, down, garbage). */
  async health(nowMs: () => number): Promise<Health | undefined> {
    try {
      const r = await this.pool.request({
        method: 'GET',
        path: '/payments/service-health',
        headersTimeout: HEALTH_CALL_TIMEOUT_MS,
        bodyTimeout: HEALTH_CALL_TIMEOUT_MS,
      });
      const text = await r.body.text();
      if (r.statusCode !== 200) return undefined;
      const j = JSON.parse(text) as { failing?: unknown; minResponseTime?: unknown };
      if (typeof j.failing !== 'boolean' || typeof j.minResponseTime !== 'number') return undefined;
      return { failing: j.failing, minResponseTimeMs: j.minResponseTime, atMs: nowMs() };
    } catch {
      return undefined;
    }
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
