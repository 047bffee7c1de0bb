// The health poller: one instance polls for both, at most one call per 5 s window per processor;
// when the primary is killed (-9) the secondary takes over within about 6 s, still within the limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startProcessor } from '../../src/processor/server.js';
import { upPayments } from '../../src/payments/stack.js';
import { waitUntil } from '../../src/stack/stack.js';

test('kill -9 of the polling instance: the other polls within ~6 s; never more than 1 call per 5 s', async () => {
  const dflt = await startProcessor({ port: 0, fee: '0.05' });
  const fb = await startProcessor({ port: 0, fee: '0.15' });
  const s = await upPayments({
    port: 19991,
    defaultUrl: dflt.url,
    fallbackUrl: fb.url,
    runDir: mkdtempSync(path.join(os.tmpdir(), 'rinha-failover-')),
    log: () => {},
  });
  try {
    const calls = () => dflt.processor.stats().healthAnswered;
    await waitUntil('first health poll', async () => calls() >= 1, {
      timeoutMs: 8_000,
      intervalMs: 50,
    });
    await waitUntil('second health poll', async () => calls() >= 2, {
      timeoutMs: 8_000,
      intervalMs: 50,
    });
    const before = calls();
    const killedAt = performance.now();
    s.stack.service('api1').crash();
    await s.stack.service('api1').exited();
    await waitUntil('the secondary polls', async () => calls() > before, {
      timeoutMs: 12_000,
      intervalMs: 50,
    });
    const takeover = performance.now() - killedAt;
    assert.ok(takeover <= 6_500, `took over after ${Math.round(takeover)} ms`);
    await waitUntil('it keeps polling', async () => calls() > before + 1, {
      timeoutMs: 8_000,
      intervalMs: 50,
    });
    for (const p of [dflt, fb])
      assert.equal(p.processor.stats().healthRefused, 0, 'no call ever beyond 1 per window (429)');
  } finally {
    await s.stop();
    await dflt.close();
    await fb.close();
  }
});
