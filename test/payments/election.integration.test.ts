// With Redis, the health poller is elected by a lock with expiry, for any number of instances:
// three instances, the poller is killed (-9) twice; each time another one polls within ~6 s and
// the processors never see more than one health call per 5 s window (they would answer 429).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { projectPath } from '../../src/paths.js';
import { startProcessor } from '../../src/processor/server.js';
import { upPayments } from '../../src/payments/stack.js';
import { httpStatus } from '../../src/stack/probe.js';
import { waitUntil } from '../../src/stack/stack.js';

test('Redis election among 3 instances: kill -9 of the poller twice; another polls within ~6 s, never 2 calls per window', async () => {
  const dflt = await startProcessor({ port: 0, fee: '0.05' });
  const fb = await startProcessor({ port: 0, fee: '0.15' });
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'rinha-election-'));
  const s = await upPayments({
    port: 19995,
    store: 'redis',
    defaultUrl: dflt.url,
    fallbackUrl: fb.url,
    runDir,
    log: () => {},
  });
  const redis = new Redis({ path: s.redisSocket!, lazyConnect: false });
  try {
    // A third instance beyond the topology's two, as one more machine would run it.
    const sock = path.join(runDir, 'api3.sock');
    const api3 = s.stack.launch(
      {
        name: 'api3',
        command: process.execPath,
        args: [
          projectPath('bin', 'rinha.js'),
          'serve',
          '2025',
          '--socket',
          sock,
          '--instance-name',
          'api3',
          '--redis-socket',
          s.redisSocket!,
          '--default-url',
          dflt.url,
          '--fallback-url',
          fb.url,
        ],
      },
      { cpus: 0.5, memoryMB: 145 },
    );
    await waitUntil(
      'api3',
      async () => (await httpStatus({ socketPath: sock }, '/payments-summary')) === 200,
      { timeoutMs: 20_000, service: api3 },
    );
    const calls = () => dflt.processor.stats().healthAnswered;
    await waitUntil('a first health poll', async () => calls() >= 1, {
      timeoutMs: 10_000,
      intervalMs: 50,
    });
    const alive = new Set(['api1', 'api2', 'api3']);
    for (let round = 0; round < 2; round++) {
      const leader = await redis.get('health:poller');
      assert.ok(leader !== null && alive.has(leader), `the lock names a live instance (${leader})`);
      const before = calls();
      const killedAt = performance.now();
      s.stack.service(leader).crash();
      await s.stack.service(leader).exited();
      alive.delete(leader);
      await waitUntil(`a survivor polls after ${leader} died`, async () => calls() > before, {
        timeoutMs: 12_000,
        intervalMs: 50,
      });
      const takeover = performance.now() - killedAt;
      assert.ok(takeover <= 6_500, `took over after ${Math.round(takeover)} ms`);
      const next = await redis.get('health:poller');
      assert.ok(next !== null && alive.has(next), `a survivor holds the lock (${next})`);
    }
    const last = calls();
    await waitUntil('the last one keeps polling', async () => calls() > last, {
      timeoutMs: 8_000,
      intervalMs: 50,
    });
    for (const p of [dflt, fb])
      assert.equal(
        p.processor.stats().healthRefused,
        0,
        'never more than 1 call per window (no 429)',
      );
  } finally {
    redis.disconnect();
    await s.stop();
    await dflt.close();
    await fb.close();
  }
});
