// Electing the health poller among any number of instances through Redis:
// - a lock with expiry (SET NX PX), renewed by its holder every tick with a compare-and-expire
//   script; if the holder dies the key expires and the next instance to tick takes it;
// - a window key (SET NX PX 5.1 s) taken before each poll, so even two instances that both think
//   they lead (a paused process whose lock expired) can never call twice within 5 s;
// - readings published under one key per processor, which the others pull every tick.
import assert from 'node:assert/strict';
import type { Redis } from 'ioredis';
import { PROCESSORS, type Health, type ProcessorName } from '../core/policy.js';
import { HEALTH_PERIOD_MS, HEALTH_TICK_MS, type HealthCoordinator } from '../engine/health.js';
import { HEALTH_CALL_TIMEOUT_MS } from '../processors/client.js';

/** The lock outlives a tick plus the slowest health call (2 s); fail-over takes at most this + a tick. */
export const LEADER_LOCK_TTL_MS = 4_000;
// The holder renews every tick; its lock must outlive a tick plus a health call in flight.
assert(
  LEADER_LOCK_TTL_MS > HEALTH_TICK_MS + HEALTH_CALL_TIMEOUT_MS,
  'the poller lock must outlive a tick and a health call',
);
const READING_TTL_MS = 60_000;

const KEYS = {
  lock: 'health:poller',
  window: 'health:window',
  reading: (n: ProcessorName) => `health:reading:${n}`,
} as const;

// Takes the lock if free, renews it if ours; 1 when we hold it afterwards.
const HOLD_LOCK = `
local v = redis.call('GET', KEYS[1])
if v == false then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1 end
return 0`;
const RELEASE_LOCK = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

interface LockCommands {
  holdLock(key: string, me: string, ttlMs: number): Promise<number>;
  releaseLock(key: string, me: string): Promise<number>;
}

export class RedisElection implements HealthCoordinator {
  private readonly redis: Redis & LockCommands;

  constructor(
    redis: Redis,
    /** Unique among the instances (the lock's value). */
    private readonly me: string,
  ) {
    redis.defineCommand('holdLock', { numberOfKeys: 1, lua: HOLD_LOCK });
    redis.defineCommand('releaseLock', { numberOfKeys: 1, lua: RELEASE_LOCK });
    this.redis = redis as Redis & LockCommands;
  }

  /** Who holds the lock now (tests, logs). */
  leader(): Promise<string | null> {
    return this.redis.get(KEYS.lock);
  }

  async isPoller(): Promise<boolean> {
    return (await this.redis.holdLock(KEYS.lock, this.me, LEADER_LOCK_TTL_MS)) === 1;
  }

  async claimWindow(): Promise<boolean> {
    return (await this.redis.set(KEYS.window, this.me, 'PX', HEALTH_PERIOD_MS, 'NX')) === 'OK';
  }

  async share(name: ProcessorName, h: Health): Promise<void> {
    await this.redis.set(KEYS.reading(name), JSON.stringify(h), 'PX', READING_TTL_MS);
  }

  async pull(): Promise<readonly (readonly [ProcessorName, Health])[]> {
    const raw = await this.redis.mget(...PROCESSORS.map(KEYS.reading));
    const out: [ProcessorName, Health][] = [];
    for (const [i, name] of PROCESSORS.entries()) {
      const r = raw[i];
      if (r) out.push([name, JSON.parse(r) as Health]);
    }
    return out;
  }

  async resign(): Promise<void> {
    await this.redis.releaseLock(KEYS.lock, this.me);
  }
}
