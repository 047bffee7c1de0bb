// The Redis store (as in the 2025 winner's design): one sorted set per processor, scored by
// requestedAt, member "<correlationId>:<cents>"; ZADD NX so a payment is never counted twice.
// Every instance reads the same sets, so the summary needs no peer. Unix socket, auto-pipelining.
import type { Redis } from 'ioredis';
import type { IdClaims } from '../engine/claims.js';
import { SEEN_TTL_MS } from './durable-log.js';
import type { ProcessorName } from '../core/policy.js';
import type { PaymentRecords, Summary, Totals } from './store.js';

const KEY: Record<ProcessorName, string> = {
  default: 'payments:default',
  fallback: 'payments:fallback',
};

export class RedisRecords implements PaymentRecords {
  readonly shared = true;

  /** The connection is the instance's; it closes it. */
  constructor(private readonly redis: Redis) {}

  async record(
    processor: ProcessorName,
    correlationId: string,
    cents: number,
    requestedAtMs: number,
  ): Promise<void> {
    await this.redis.zadd(KEY[processor], 'NX', requestedAtMs, `${correlationId}:${cents}`);
  }

  private async totals(processor: ProcessorName, fromMs?: number, toMs?: number): Promise<Totals> {
    const members = await this.redis.zrangebyscore(
      KEY[processor],
      fromMs ?? '-inf',
      toMs ?? '+inf',
    );
    let cents = 0;
    for (const m of members) cents += Number(m.slice(m.lastIndexOf(':') + 1));
    return { count: members.length, cents };
  }

  async summary(fromMs?: number, toMs?: number): Promise<Summary> {
    // A missing bound is unbounded on its side.
    const [d, fb] = await Promise.all([
      this.totals('default', fromMs, toMs),
      this.totals('fallback', fromMs, toMs),
    ]);
    return { default: d, fallback: fb };
  }

  async purge(): Promise<void> {
    await this.redis.del(KEY.default, KEY.fallback);
  }

  async close(): Promise<void> {}
}

/** Claims of correlationIds in Redis (engine/claims.ts): SET NX with the durable log's memory. */
export class RedisClaims implements IdClaims {
  constructor(private readonly redis: Redis) {}

  async claim(correlationId: string): Promise<boolean> {
    return (
      (await this.redis.set(`payments:seen:${correlationId}`, '1', 'PX', SEEN_TTL_MS, 'NX')) ===
      'OK'
    );
  }
}
