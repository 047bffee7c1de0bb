// One suite for every HealthCoordinator (payments/engine/health.ts): with two instances alive
// exactly one polls, a reading the poller shares reaches the other, and when the poller goes
// the other takes over in bounded time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Health } from '../../src/payments/core/policy.js';
import type { HealthCoordinator } from '../../src/payments/engine/health.js';
import { waitUntil } from '../../src/stack/stack.js';

export interface CoordinatorPair {
  readonly a: HealthCoordinator;
  readonly b: HealthCoordinator;
  /** Readings b has learned (pushed to it, or pulled by it). */
  heardByB(): Promise<readonly Health[]>;
  /** a stops as a crash would: no resignation, no more answers. */
  killA(): Promise<void>;
  close(): Promise<void>;
}

/** How long the survivor may take to become the poller (the implementation's fail-over bound). */
export function healthCoordinatorContract(
  name: string,
  pair: () => Promise<CoordinatorPair>,
  takeoverMs: number,
): void {
  const withPair = (title: string, body: (p: CoordinatorPair) => Promise<void>) =>
    void test(`${name}: ${title}`, async () => {
      const p = await pair();
      try {
        await body(p);
      } finally {
        await p.close();
      }
    });

  withPair('with both alive, exactly one of them polls', async (p) => {
    for (let i = 0; i < 10; i++) {
      const now = Date.now();
      const pollers = [await p.a.isPoller(now), await p.b.isPoller(now)].filter(Boolean).length;
      assert.equal(pollers, 1, `tick ${i}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  withPair('a reading the poller shares reaches the other', async (p) => {
    const now = Date.now();
    const poller = (await p.a.isPoller(now)) ? p.a : p.b;
    assert.equal(poller, p.a, 'a (started first, or primary) polls');
    const h: Health = { failing: true, minResponseTimeMs: 123, atMs: Date.now() };
    await poller.share('default', h);
    await waitUntil(
      'b hears the reading',
      async () => (await p.heardByB()).some((x) => x.minResponseTimeMs === 123),
      { timeoutMs: 2_000, intervalMs: 20 },
    );
  });

  withPair(`when the poller dies, the other polls within ${takeoverMs} ms`, async (p) => {
    assert.equal(await p.a.isPoller(Date.now()), true);
    await p.killA();
    const t0 = Date.now();
    await waitUntil('b takes over', () => p.b.isPoller(Date.now()), {
      timeoutMs: takeoverMs,
      intervalMs: 100,
    });
    assert.ok(Date.now() - t0 <= takeoverMs);
  });
}
