// Redis as a stack service: found among the system's binaries, unix socket only, no persistence
// (as in the competition), a maxmemory below the cgroup limit with noeviction so that a full
// Redis refuses writes instead of being OOM-killed or silently dropping records.
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { RinhaError } from '../errors.js';
import type { Limits } from './cgroups.js';
import type { Run } from './run.js';

const REDIS_CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];
/** Share of the memory limit Redis may fill before refusing writes. */
const MAXMEMORY_SHARE = 0.8;
const PING_TIMEOUT_MS = 500;

export function findRedisServer(): string | undefined {
  return REDIS_CANDIDATES.find((b) => existsSync(b));
}

/** redis-server's arguments, the same locally and in the compose files. */
export function redisServerArgs(socket: string, limits: Limits): string[] {
  return [
    '--port',
    '0',
    '--unixsocket',
    socket,
    // Only its own user (the APIs run as the same one) may connect.
    '--unixsocketperm',
    '700',
    '--save',
    '',
    '--appendonly',
    'no',
    '--maxmemory',
    `${Math.floor(limits.memoryMB * MAXMEMORY_SHARE)}mb`,
    '--maxmemory-policy',
    'noeviction',
  ];
}

/** Readiness of a Redis server on a unix socket: PING answers +PONG. */
export function redisPing(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    const done = (ok: boolean) => {
      c.destroy();
      resolve(ok);
    };
    c.setTimeout(PING_TIMEOUT_MS, () => done(false));
    c.once('error', () => done(false));
    c.once('connect', () => c.write('PING\r\n'));
    c.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

/** Starts redis-server in the run's private folder; resolves with its socket once it answers. */
export async function startRedis(run: Run, limits: Limits): Promise<string> {
  const bin = findRedisServer();
  if (bin === undefined)
    throw new RinhaError(
      'BINARY_MISSING',
      'redis-server is not installed (apt-get install redis-server)',
    );
  const socket = path.join(run.privateDir, 'redis.sock');
  const svc = run.launch(
    { name: 'redis', command: bin, args: redisServerArgs(socket, limits), runAs: 'app' },
    limits,
  );
  await run.ready('redis', () => redisPing(socket), svc);
  return socket;
}
