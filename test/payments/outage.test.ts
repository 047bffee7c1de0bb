// The dispatcher notes when default went down, so a payment that arrives deep into an outage
// goes to fallback at once instead of waiting maxWait for a return that is not coming. A fake
// clock holds time still: under the old rule the second payment would wait forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Reply } from '../../src/payments/core/outcome.js';
import { DEFAULT_POLICY, maxWaitMs } from '../../src/payments/core/policy.js';
import { PaymentDispatcher } from '../../src/payments/engine/dispatcher.js';
import { PaymentQueue } from '../../src/payments/engine/queue.js';
import type { ProcessorClient } from '../../src/payments/processors/client.js';
import { MemoryRecords } from '../../src/payments/store/memory.js';

/** A processor that answers at once with `status`, and tells who it was sent. */
function fakeProcessor(status: number) {
  const sent: string[] = [];
  const waiters: { id: string; resolve: () => void }[] = [];
  const client = {
    async pay(correlationId: string): Promise<Reply> {
      sent.push(correlationId);
      for (const w of waiters.filter((x) => x.id === correlationId)) w.resolve();
      return { kind: 'answer', status };
    },
    async lookup(): Promise<Reply> {
      return { kind: 'answer', status: 404 };
    },
  };
  const received = (id: string) =>
    sent.includes(id)
      ? Promise.resolve()
      : new Promise<void>((resolve) => waiters.push({ id, resolve }));
  return { client: client as unknown as ProcessorClient, sent, received };
}

/** Fails the test instead of hanging it when `p` never settles. */
function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

test('deep into an outage of default, a new payment goes to fallback without waiting', async () => {
  const cfg = { ...DEFAULT_POLICY, fees: { default: 0.07, fallback: 0.1 } };
  let now = 1_750_000_000_000;
  const def = fakeProcessor(500);
  const fb = fakeProcessor(200);
  const records = new MemoryRecords();
  const d = new PaymentDispatcher(
    new PaymentQueue(),
    { default: def.client, fallback: fb.client },
    records,
    cfg,
    () => {},
    () => now,
  );
  try {
    d.setHealth('default', { failing: true, minResponseTimeMs: 0, atMs: now });
    // The first payment probes default (refused) and then waits: time stands still.
    assert.equal(d.accept('first', 2005), 'accepted');
    await within(def.received('first'), 5_000, 'the probe of default');
    assert.deepEqual(fb.sent, []);

    // The outage has lasted longer than the wait; the health reading is renewed.
    now += 10 * maxWaitMs(cfg);
    d.setHealth('default', { failing: true, minResponseTimeMs: 0, atMs: now });
    await within(fb.received('first'), 5_000, 'the first payment on fallback');
    assert.equal(d.accept('second', 2005), 'accepted');
    await within(fb.received('second'), 5_000, 'the new payment on fallback, not held');
    assert.ok(!def.sent.includes('second'), 'default was probed within the last 250 ms');
  } finally {
    d.close();
  }
});
