// The payments backend through nginx against the real simulators: the summary matches the
// processors', a repeated correlationId is charged once, and a failing default loses nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { readFileSync } from 'node:fs';
import { FINAL_FEES } from '../../src/payments/core/fees.js';
import { upPayments, type PaymentsStack } from '../../src/payments/stack.js';
import { waitUntil } from '../../src/stack/stack.js';
import { performance } from 'node:perf_hooks';
import { once } from '../helpers/http.js';
import { PAYMENTS_WARMUP_ROUNDS, WARM_PAYMENTS_PER_ROUND } from '../../src/payments/http/warmup.js';

const T = { 'x-rinha-token': '123' };
const PORTS = {
  memory: [19990, 18801, 18802],
  redis: [19992, 18803, 18804],
  durable: [19993, 18805, 18806],
} as const;

for (const mode of ['memory', 'redis', 'durable'] as const)
  describe(`payments stack, ${mode === 'durable' ? 'redis store, durable' : `${mode} store`}`, () => {
    let s: PaymentsStack;
    let api: string;
    let runDir: string;
    // The memory stack runs the final's fees: the simulators charge them and the APIs are told.
    const fees = mode === 'memory' ? FINAL_FEES : undefined;

    before(async () => {
      const [port, d, f] = PORTS[mode];
      runDir = mkdtempSync(path.join(os.tmpdir(), 'rinha-pay-'));
      s = await upPayments({
        store: mode === 'memory' ? 'memory' : 'redis',
        durable: mode === 'durable',
        port,
        simulatorPorts: [d, f],
        runDir,
        ...(fees ? { fees } : {}),
        log: () => {},
      });
      api = `http://127.0.0.1:${s.port}`;
    });

    // First, before anything else talks to the stack: new connections, as the official users.
    test('warm from the start: each of the first 50 requests answers within 250 ms', async () => {
      const posted = 25;
      for (let i = 0; i < 2 * posted; i++) {
        const t0 = performance.now();
        const r =
          i % 2 === 0
            ? await once(api, 'POST', '/payments', { correlationId: randomUUID(), amount: 19.9 })
            : await once(api, 'GET', '/payments-summary');
        const ms = performance.now() - t0;
        assert.equal(r.status, i % 2 === 0 ? 202 : 200);
        assert.ok(ms < 250, `request ${i} took ${ms.toFixed(1)} ms`);
      }
      // Processed before the next test purges: none of these may land after its purge.
      await settled(posted);
      const t = await theirs();
      assert.equal(
        t.default.totalRequests + t.fallback.totalRequests,
        posted,
        'the warm-up sent none',
      );
      const rehearsed = PAYMENTS_WARMUP_ROUNDS * WARM_PAYMENTS_PER_ROUND;
      for (const name of ['api1', 'api2'])
        assert.match(
          readFileSync(path.join(runDir, `${name}.log`), 'utf8'),
          new RegExp(
            `warm: \\d+ requests .*, ${rehearsed} rehearsed payments kept nowhere\\); heap compacted to [\\d.]+ MB`,
          ),
          `${name} warmed up (and compacted its heap) before it was ready`,
        );
    });

    if (fees)
      test('the APIs are told the fees the simulators charge', async () => {
        const summary = (
          await call(`${s.processors.fallback}/admin/payments-summary`, 'GET', undefined, T)
        ).json() as unknown as { feePerTransaction: number };
        assert.equal(summary.feePerTransaction, Number(fees.fallback));
        for (const name of ['api1', 'api2'])
          assert.match(
            readFileSync(path.join(runDir, `${name}.log`), 'utf8'),
            new RegExp(`fees ${fees.default}/${fees.fallback}\\)`),
            `${name} runs the policy with the simulators' fees`,
          );
      });
    after(async () => {
      await s?.stop();
    });

    async function call(
      url: string,
      method: 'GET' | 'POST' | 'PUT',
      body?: unknown,
      headers: Record<string, string> = {},
    ) {
      const r = await request(url, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await r.body.text();
      return {
        status: r.statusCode,
        json: () =>
          JSON.parse(text) as Record<string, { totalRequests: number; totalAmount: number }> & {
            totalRequests: number;
            totalAmount: number;
          },
      };
    }

    const ours = () => call(`${api}/payments-summary`, 'GET').then((r) => r.json());
    const theirs = async () => ({
      default: (
        await call(`${s.processors.default}/admin/payments-summary`, 'GET', undefined, T)
      ).json(),
      fallback: (
        await call(`${s.processors.fallback}/admin/payments-summary`, 'GET', undefined, T)
      ).json(),
    });

    async function settled(expected: number): Promise<void> {
      let last = '';
      try {
        await waitUntil(
          'all payments processed',
          async () => {
            const o = await ours();
            last = `ours ${o.default!.totalRequests} + ${o.fallback!.totalRequests}`;
            return o.default!.totalRequests + o.fallback!.totalRequests === expected;
          },
          { timeoutMs: 30_000, intervalMs: 100 },
        );
      } catch (err) {
        // Say where it stopped, so a failure in CI can be read without rerunning it.
        const t = await theirs().catch(() => undefined);
        const at = t
          ? `processors ${t.default.totalRequests} + ${t.fallback.totalRequests}`
          : 'processors unreadable';
        throw new Error(`${(err as Error).message}; expected ${expected}, ${last}; ${at}`);
      }
    }

    async function reset(): Promise<void> {
      for (const p of [s.processors.default, s.processors.fallback]) {
        await call(`${p}/admin/purge-payments`, 'POST', undefined, T);
        await call(`${p}/admin/configurations/failure`, 'PUT', { failure: false }, T);
        await call(`${p}/admin/configurations/delay`, 'PUT', { delay: 0 }, T);
      }
      assert.equal((await call(`${api}/purge-payments`, 'POST')).status, 200);
    }

    test("a burst: every payment accepted, processed once, and the summary equals the processors'", async () => {
      await reset();
      const n = 600;
      const replies = await Promise.all(
        Array.from({ length: n }, () =>
          call(`${api}/payments`, 'POST', { correlationId: randomUUID(), amount: 19.9 }),
        ),
      );
      assert.ok(replies.every((r) => r.status === 202));
      await settled(n);
      const [o, t] = [await ours(), await theirs()];
      assert.equal(o.default!.totalRequests, t.default.totalRequests);
      assert.equal(o.fallback!.totalRequests, t.fallback.totalRequests);
      assert.equal(o.default!.totalAmount, t.default.totalAmount);
      assert.equal(t.default.totalRequests + t.fallback.totalRequests, n);
    });

    test('bad input gets 400 and is never forwarded', async () => {
      await reset();
      for (const b of [
        {},
        { correlationId: 'x', amount: 1 },
        { correlationId: randomUUID(), amount: 0 },
        { correlationId: randomUUID() },
      ]) {
        assert.equal((await call(`${api}/payments`, 'POST', b)).status, 400);
      }
      const t = await theirs();
      assert.equal(t.default.totalRequests + t.fallback.totalRequests, 0);
    });

    test('a repeated correlationId is charged once', async () => {
      await reset();
      const id = randomUUID();
      for (let i = 0; i < 5; i++)
        assert.equal(
          (await call(`${api}/payments`, 'POST', { correlationId: id, amount: 10 })).status,
          202,
        );
      await settled(1);
      const t = await theirs();
      assert.equal(t.default.totalRequests + t.fallback.totalRequests, 1);
      const o = await ours();
      assert.equal(o.default!.totalRequests + o.fallback!.totalRequests, 1);
    });

    test('default failing: payments wait or go to fallback; nothing lost, nothing charged twice', async () => {
      await reset();
      await call(
        `${s.processors.default}/admin/configurations/failure`,
        'PUT',
        { failure: true },
        T,
      );
      const n = 200;
      const ids = Array.from({ length: n }, () => randomUUID());
      await Promise.all(
        ids.map((id) => call(`${api}/payments`, 'POST', { correlationId: id, amount: 19.9 })),
      );
      await call(
        `${s.processors.default}/admin/configurations/failure`,
        'PUT',
        { failure: false },
        T,
      );
      await settled(n);
      // By id, not by count: a copy of the previous test's duplicate may still land after the purge.
      for (const id of ids) {
        const where = await Promise.all(
          [s.processors.default, s.processors.fallback].map((p) =>
            call(`${p}/payments/${id}`, 'GET').then((r) => r.status),
          ),
        );
        assert.equal(
          where.filter((st) => st === 200).length,
          1,
          `payment ${id} stored exactly once overall (GET statuses ${where.join(', ')})`,
        );
      }
      const [o, t] = [await ours(), await theirs()];
      assert.equal(o.default!.totalRequests, t.default.totalRequests);
      assert.equal(o.fallback!.totalRequests, t.fallback.totalRequests);
    });

    test('a processor slower than our timeout: the unknown payment is retried only there and charged once', async () => {
      await reset();
      // Longer than DEFAULT_PAYMENT_TIMEOUT_MS (6 s): the first attempt's outcome is unknown to us.
      // Fallback is as slow, so default (the cheaper) takes it; were the unknown payment ever sent
      // to fallback too, fallback would store it.
      await call(`${s.processors.default}/admin/configurations/delay`, 'PUT', { delay: 6_500 }, T);
      await call(`${s.processors.fallback}/admin/configurations/delay`, 'PUT', { delay: 6_500 }, T);
      const id = randomUUID();
      assert.equal(
        (await call(`${api}/payments`, 'POST', { correlationId: id, amount: 42.5 })).status,
        202,
      );
      await settled(1);
      await call(`${s.processors.default}/admin/configurations/delay`, 'PUT', { delay: 0 }, T);
      await call(`${s.processors.fallback}/admin/configurations/delay`, 'PUT', { delay: 0 }, T);
      const [o, t] = [await ours(), await theirs()];
      assert.equal(t.default.totalRequests, 1, 'stored once at default');
      assert.equal(t.fallback.totalRequests, 0, 'never sent to the other processor while unknown');
      assert.equal(o.default!.totalRequests, 1);
      assert.equal(o.default!.totalAmount, 42.5);
      // Recorded with the requestedAt the processor has: the summary over a window around it agrees.
      const lookup = await request(`${s.processors.default}/payments/${id}`);
      const stored = JSON.parse(await lookup.body.text()) as { requestedAt: string };
      const q = `?from=${stored.requestedAt}&to=${stored.requestedAt}`;
      assert.equal(
        (await call(`${api}/payments-summary${q}`, 'GET')).json().default!.totalRequests,
        1,
      );
    });
  });
