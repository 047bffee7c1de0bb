// One ioredis connection per instance, shared by the records, the health lock and the durable
// log (auto-pipelining batches their commands into few writes). Blocking reads get a duplicate.
import { RinhaError } from '../../errors.js';
import { Redis } from 'ioredis';

export interface RedisTarget {
  /** Unix socket path (preferred) or host:port. */
  readonly socket?: string;
  readonly host?: string;
  readonly port?: number;
}

export function openRedis(t: RedisTarget): Redis {
  const redis = new Redis({
    ...(t.socket ? { path: t.socket } : { host: t.host ?? '127.0.0.1', port: t.port ?? 6379 }),
    enableAutoPipelining: true,
    maxRetriesPerRequest: 2,
    connectTimeout: 2_000,
    lazyConnect: false,
  });
  redis.on('error', () => {}); // reported per command; ioredis reconnects by itself
  return redis;
}

/** Redis may start after the instance (compose's depends_on only orders the starts). */
export const REDIS_READY_TIMEOUT_MS = 15_000;

export async function waitForRedis(
  redis: Redis,
  where: string,
  timeoutMs = REDIS_READY_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await redis.ping()) === 'PONG') return;
    } catch (err) {
      if (Date.now() >= deadline)
        throw new RinhaError(
          'STORE_UNAVAILABLE',
          `Redis at ${where} did not answer within ${timeoutMs} ms (${(err as Error).message})`,
        );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
