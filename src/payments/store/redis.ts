// The Redis store (as in the 2025 winner's design): one sorted set per processor, scored by
// requestedAt, member "<correlationId>:<cents>"; ZADD NX so a payment is never counted twice.
// Both instances read the same sets, so the summary needs no peer. Unix socket, auto-pipelining.
import { Redis } from 'ioredis';
import type { ProcessorName } from '../core/policy.js';
import type { PaymentRecords, Summary, Totals } from './store.js';

const KEY: Record<ProcessorName, string> = { default: 'payments:default', fallback: 'payments:fallback' };

export interface RedisStoreOptions {
  /** Unix socket path (preferred) or host:port. */
  readonly socket?: string;
  readonly host?: string;
  readonly port?: number;
}

export class RedisRecords implements PaymentRecords {
  readonly shared = true;
  private readonly redis: Redis;

  constructor(o: RedisStoreOptions) {
    this.redis = new Redis({
      ...(o.socket ? { path: o.socket } : { host: o.host ?? '127.0.0.1', port: o.port ?? 6379 }),
      enableAutoPipelining: true,
      maxRetriesPerRequest: 2,
      connectTimeout: 2_000,
      lazyConnect: false,
    });
    this.redis.on('error', () => {}); // reported per command; ioredis reconnects by itself
  }

  async record(processor: ProcessorName, correlationId: string, cents: number, requestedAtMs: number): Promise<void> {
    await this.redis.zadd(KEY[processor], 'NX', requestedAtMs, `${correlationId}:${cents}`);
  }

  private async totals(processor: ProcessorName, fromMs?: number, toMs?: number): Promise<Totals> {
    const members = await this.redis.zrangebyscore(KEY[processor], fromMs ?? '-inf', toMs ?? '+inf');
    let cents = 0;
    for (const m of members) cents += Number(m.slice(m.lastIndexOf(':') + 1));
    return { count: members.length, cents };
  }

  async summary(fromMs?: number, toMs?: number): Promise<Summary> {
    // A missing bound means every payment, as the contract says.
    const [f, t] = fromMs === undefined || toMs === undefined ? [undefined, undefined] : [fromMs, toMs];
    const [d, fb] = await Promise.all([this.totals('default', f, t), this.totals('fallback', f, t)]);
    return { default: d, fallback: fb };
  }

  async purge(): Promise<void> {
    await this.redis.del(KEY.default, KEY.fallback);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}
