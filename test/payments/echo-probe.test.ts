// A down processor is probed with a payment it stored already (an echo), never with a waiting
// client payment: in final-like runs whose last stage had default failing slowly, the refused
// probe went back to the front of the line and the next probe slot took it again, so 2-13
// accepted payments were still out at default when the run ended. A fake clock holds time still
// and the fake default answers only when told to.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Reply } from '../../src/payments/core/outcome.js';
import { DEFAULT_POLICY, maxWaitMs } from '../../src/payments/core/policy.js';
import { PaymentDispatcher } from '../../src/payments/engine/dispatcher.js';
import { PaymentQueue } from '../../src/payments/engine/queue.js';
import type { ProcessorClient } from '../../src/payments/processors/client.js';
import { MemoryRecords } from '../../src/payments/store/memory.js';

interface Call {
  readonly id: string;
  readonly answer: (status: number) => void;
}

/** A processor whose every answer the test gives; `next()` waits for the next request. */
function heldProcessor() {
  const calls: Call[] = [];
  const waiters: ((c: Call) => void)[] = [];
  const client = {
    pay(correlationId: string): Promise<Reply> {
      return new Promise<Reply>((resolve) => {
        const c = {
          id: correlationId,
          answer: (status: number) => resolve({ kind: 'answer', status }),
        };
        calls.push(c);
        waiters.shift()?.(c);
      });
    },
    async lookup(): Promise<Reply> {
      return { kind: 'answer', status: 404 };
    },
  };
  let seen = 0;
  const next = (): Promise<Call> =>
    seen < calls.length
      ? Promise.resolve(calls[seen++]!)
      : new Promise<Call>((resolve) => waiters.push((c) => (seen++, resolve(c))));
  return { client: client as unknown as ProcessorClient, calls, next };
}

function instantProcessor(status: number) {
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

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
  });
  return Promise.race([p, bound]).finally(() => clearTimeout(timer));
}

/** Waits (event-loop turns, not time) until `cond` holds; fails after 5 s. */
function until(cond: () => boolean, what: string): Promise<void> {
  return within(
    (async () => {
      while (!cond()) await new Promise((r) => setImmediate(r));
    })(),
    5_000,
    what,
  );
}

for (const fees of [
  { default: 0.05, fallback: 0.15 },
  { default: 0.07, fallback: 0.1 },
]) {
  test(`fees ${fees.default}/${fees.fallback}: a failing default gets echoes of a stored payment; waiting payments go to fallback, and back to default once an echo says it is up`, async () => {
    const cfg = { ...DEFAULT_POLICY, fees };
    let now = 1_750_000_000_000;
    const def = heldProcessor();
    const fb = instantProcessor(200);
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
      // Default stores one payment: the echo to come.
      assert.equal(d.accept('stored-first', 2005), 'accepted');
      const first = await within(def.next(), 5_000, 'the first payment at default');
      assert.equal(first.id, 'stored-first');
      first.answer(200);
      await until(() => d.stats().stored.default === 1, 'the first payment settled');

      // Default starts failing (a reading newer than that store), a probe interval later.
      now += cfg.probeEveryMs;
      d.setHealth('default', { failing: true, minResponseTimeMs: 2000, atMs: now });
      assert.equal(d.accept('waiting', 2005), 'accepted');
      const echo1 = await within(def.next(), 5_000, 'the first echo');
      assert.equal(echo1.id, 'stored-first', 'the probe is the stored payment, sent again');

      // The outage outlasts the wait: the waiting payment goes to fallback while the echo is out.
      now += 10 * maxWaitMs(cfg) + cfg.probeEveryMs;
      d.setHealth('default', { failing: true, minResponseTimeMs: 2000, atMs: now });
      await within(fb.received('waiting'), 5_000, 'the waiting payment on fallback');
      const echo2 = await within(def.next(), 5_000, 'the next echo, one probe interval later');
      assert.equal(echo2.id, 'stored-first');
      echo1.answer(500);
      echo2.answer(500);

      // Default comes back: the next echo answers 422 (already stored) and it is up again.
      now += cfg.probeEveryMs;
      const echo3 = await within(def.next(), 5_000, 'an echo after the return');
      assert.equal(echo3.id, 'stored-first');
      echo3.answer(422);
      const stats = await within(
        (async () => {
          for (;;) {
            const s = d.stats();
            if (s.inFlight.default === 0) return s;
            await new Promise((r) => setImmediate(r));
          }
        })(),
        5_000,
        'the echo settled',
      );
      assert.equal(stats.echoProbes.default, 3);
      assert.equal(d.accept('after-return', 2005), 'accepted');
      const back = await within(def.next(), 5_000, 'a new payment at default');
      assert.equal(back.id, 'after-return');
      back.answer(200);

      assert.deepEqual(
        def.calls.map((c) => c.id).filter((id) => id === 'waiting'),
        [],
        'the waiting payment never went to the failing default',
      );
      assert.deepEqual(fb.sent, ['waiting']);
      // Two payments stored at default (the first and the one after the return), the echoes none.
      const summary = await within(
        (async () => {
          for (;;) {
            const s = await records.summary();
            if (s.default.count + s.fallback.count >= 3) return s;
            await new Promise((r) => setImmediate(r));
          }
        })(),
        5_000,
        'the records',
      );
      assert.equal(summary.default.count, 2, 'echoes recorded nothing');
      assert.equal(summary.fallback.count, 1);
    } finally {
      d.close();
    }
  });
}
