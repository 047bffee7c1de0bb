// Faults under load, each with real processes: Redis killed and restarted (Redis store and
// --durable), a processor killed and restarted with its payments (as its PostgreSQL keeps them),
// an instance paused past its heartbeat under --durable, an instance restarted under --durable,
// and a correlationId posted five times at once while default times out. Each ends with every
// accepted payment stored exactly once, on one processor, and our summary equal to the
// processors' (over what both still know).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { request } from 'undici';
import { startProcessor, type RunningProcessor } from '../../src/processor/server.js';
import { upPayments, type PaymentsStack } from '../../src/payments/stack.js';
import { waitUntil } from '../../src/stack/stack.js';
import { GROUP, STREAM_KEY } from '../../src/payments/store/durable-log.js';

const T = { 'x-rinha-token': '123', 'content-type': 'application/json' };
type Totals = { totalRequests: number; totalAmount: number };
const admin = (p: RunningProcessor, what: 'failure' | 'delay', value: boolean | number) =>
  request(`${p.url}/admin/configurations/${what}`, {
    method: 'PUT',
    headers: T,
    body: JSON.stringify({ [what]: value }),
  }).then((r) => r.body.dump());
const getJson = async <J>(url: string, headers: Record<string, string> = {}) =>
  JSON.parse(
    await (await request(url, { headers, headersTimeout: 5_000, bodyTimeout: 5_000 })).body.text(),
  ) as J;
const totals = async (p: RunningProcessor, q = ''): Promise<Totals> => {
  const t = await getJson<Totals>(`${p.url}/admin/payments-summary${q}`, T);
  return { totalRequests: t.totalRequests, totalAmount: t.totalAmount };
};

async function post(api: string, id: string): Promise<number> {
  try {
    const r = await request(`${api}/payments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ correlationId: id, amount: 12.34 }),
      headersTimeout: 5_000,
    });
    await r.body.dump();
    return r.statusCode;
  } catch {
    return 0;
  }
}

/** How many entries of the --durable log `consumer` has read and not yet settled. */
async function pendingOf(redis: Redis, consumer: string): Promise<number> {
  const summary = (await redis.call('XPENDING', STREAM_KEY, GROUP)) as [
    number,
    string | null,
    string | null,
    [string, string][] | null,
  ];
  return Number(summary[3]?.find(([name]) => name === consumer)?.[1] ?? 0);
}

/** The longest a stream posts: a test that throws before stop() still ends. */
const STREAM_MAX_MS = 60_000;

/** Posts payments at about `perSec` until stop() (at most STREAM_MAX_MS); the ids answered 2xx. */
function stream(api: string, perSec: number) {
  const accepted: string[] = [];
  let refused = 0;
  let running = true;
  const until = Date.now() + STREAM_MAX_MS;
  const done = (async () => {
    while (running && Date.now() < until) {
      const ids = Array.from({ length: Math.max(1, Math.round(perSec / 10)) }, () => randomUUID());
      const st = await Promise.all(ids.map((id) => post(api, id)));
      st.forEach((c, i) => (c >= 200 && c < 300 ? accepted.push(ids[i]!) : refused++));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  return {
    accepted,
    get refused() {
      return refused;
    },
    async stop() {
      running = false;
      await done;
    },
  };
}

async function storedOnce(
  procs: readonly RunningProcessor[],
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    const where = await Promise.all(
      procs.map(async (p) => (await request(`${p.url}/payments/${id}`)).statusCode),
    );
    assert.equal(
      where.filter((c) => c === 200).length,
      1,
      `${id} stored on exactly one processor (${where.join(', ')})`,
    );
  }
}

async function storedAtMostOnce(
  procs: readonly RunningProcessor[],
  ids: readonly string[],
): Promise<void> {
  for (const id of ids) {
    const where = await Promise.all(
      procs.map(async (p) => (await request(`${p.url}/payments/${id}`)).statusCode),
    );
    assert.ok(
      where.filter((c) => c === 200).length <= 1,
      `${id} stored at most once (${where.join(', ')})`,
    );
  }
}

async function withProcessors(
  body: (
    d: RunningProcessor,
    f: RunningProcessor,
    restart: (which: 'default') => Promise<RunningProcessor>,
  ) => Promise<void>,
): Promise<void> {
  let d = await startProcessor({ port: 0, fee: '0.05' });
  const f = await startProcessor({ port: 0, fee: '0.15' });
  try {
    await body(d, f, async () => {
      const port = Number(new URL(d.url).port);
      d.crash();
      d = await startProcessor({ port, fee: '0.05', reuse: d.processor });
      return d;
    });
  } finally {
    await d.close().catch(() => {});
    await f.close();
  }
}

const runDir = () => mkdtempSync(path.join(os.tmpdir(), 'rinha-faults-'));
const ours = (s: PaymentsStack, q = '') =>
  getJson<Record<'default' | 'fallback', Totals>>(
    `http://127.0.0.1:${s.port}/payments-summary${q}`,
  );

for (const durable of [false, true])
  test(`Redis killed and restarted under load (${durable ? '--durable' : 'Redis store'}): errors while down, never a double charge, recovery without a restart`, async () => {
    await withProcessors(async (d, f) => {
      const s = await upPayments({
        port: durable ? 19971 : 19972,
        store: 'redis',
        durable,
        defaultUrl: d.url,
        fallbackUrl: f.url,
        runDir: runDir(),
        log: () => {},
      });
      const api = `http://127.0.0.1:${s.port}`;
      try {
        const pids = s.stack.services
          .filter((x) => x.spec.name.startsWith('api'))
          .map((x) => x.pid);
        const load = stream(api, 100);
        await new Promise((r) => setTimeout(r, 1_000));
        const redis = s.stack.service('redis');
        redis.crash();
        await redis.exited();
        await new Promise((r) => setTimeout(r, 1_500));
        redis.start();
        const restartedAt = Date.now();
        await new Promise((r) => setTimeout(r, 1_500));
        await load.stop();
        // Redis runs without persistence: what it held before the kill is gone, by design. With
        // the Redis store every accepted payment waited in an instance (its id claim and its
        // record waited for Redis) and is stored exactly once; with --durable the log's tail that
        // no instance had read yet went with Redis, so: never twice, and what is recorded after
        // the restart matches the processors over the same window.
        if (!durable)
          await waitUntil(
            'every accepted payment stored somewhere',
            async () =>
              (await totals(d)).totalRequests + (await totals(f)).totalRequests >=
              load.accepted.length,
            { timeoutMs: 30_000, intervalMs: 200 },
          );
        await (durable ? storedAtMostOnce : storedOnce)([d, f], load.accepted);
        const q = `?from=${new Date(restartedAt + 2_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
        const after = stream(api, 50);
        await new Promise((r) => setTimeout(r, 3_000));
        await after.stop();
        await waitUntil(
          'the payments after the restart recorded',
          async () => {
            const o = await ours(s, q);
            return (
              o.default.totalRequests + o.fallback.totalRequests ===
                (await totals(d, q)).totalRequests + (await totals(f, q)).totalRequests &&
              o.default.totalRequests + o.fallback.totalRequests > 0
            );
          },
          { timeoutMs: 20_000, intervalMs: 200 },
        );
        assert.deepEqual(
          s.stack.services.filter((x) => x.spec.name.startsWith('api')).map((x) => x.pid),
          pids,
          'the instances never restarted',
        );
      } finally {
        await s.stop();
      }
    });
  });

test('a processor killed mid-run and restarted with its payments: nothing lost, nothing charged twice', async () => {
  await withProcessors(async (d0, f, restart) => {
    const s = await upPayments({
      port: 19973,
      defaultUrl: d0.url,
      fallbackUrl: f.url,
      runDir: runDir(),
      log: () => {},
    });
    const api = `http://127.0.0.1:${s.port}`;
    try {
      await admin(d0, 'delay', 300); // payments are in flight when it dies
      const load = stream(api, 150);
      await new Promise((r) => setTimeout(r, 1_500));
      const d = await restart('default');
      await new Promise((r) => setTimeout(r, 1_500));
      await admin(d, 'delay', 0);
      await load.stop();
      await waitUntil(
        'every accepted payment recorded',
        async () => {
          const o = await ours(s);
          return o.default.totalRequests + o.fallback.totalRequests === load.accepted.length;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      await storedOnce([d, f], load.accepted);
      const o = await ours(s);
      assert.deepEqual(o, { default: await totals(d), fallback: await totals(f) });
    } finally {
      await s.stop();
    }
  });
});

test('--durable: an instance paused past its heartbeat, then resumed: every accepted payment processed exactly once', async () => {
  await withProcessors(async (d, f) => {
    const s = await upPayments({
      port: 19974,
      store: 'redis',
      durable: true,
      defaultUrl: d.url,
      fallbackUrl: f.url,
      runDir: runDir(),
      log: () => {},
    });
    const api = `http://127.0.0.1:${s.port}`;
    try {
      await admin(d, 'delay', 800);
      const load = stream(api, 100);
      const api1 = s.stack.service('api1');
      const api2Log = () => readFileSync(s.stack.service('api2').spec.logFile, 'utf8');
      const redis = new Redis({ path: s.redisSocket!, lazyConnect: false });
      try {
        // Paused only while it holds payments it read, so api2 always has something to take
        // over (with fixed sleeps, the take-over check failed once, likely on that timing).
        await waitUntil(
          'api1 holds read payments',
          async () => (await pendingOf(redis, 'api1')) > 0,
          {
            timeoutMs: 10_000,
            intervalMs: 20,
          },
        );
        api1.signal('SIGSTOP');
        // Past the 3-s heartbeat (ALIVE_TTL_MS) api2 takes over what api1 held.
        await waitUntil(
          'api2 takes over',
          async () => /took over \d+ payments of api1/.test(api2Log()),
          {
            timeoutMs: 10_000,
            intervalMs: 100,
          },
        );
      } finally {
        api1.signal('SIGCONT');
        redis.disconnect();
      }
      await load.stop();
      await admin(d, 'delay', 0);
      await waitUntil(
        'every accepted payment recorded',
        async () => {
          const o = await ours(s);
          return o.default.totalRequests + o.fallback.totalRequests >= load.accepted.length;
        },
        { timeoutMs: 40_000, intervalMs: 200 },
      );
      await storedOnce([d, f], load.accepted);
      const o = await ours(s);
      assert.deepEqual(
        o,
        { default: await totals(d), fallback: await totals(f) },
        "our summary is the processors'",
      );
    } finally {
      await s.stop();
    }
  });
});

test('--durable: an instance killed and restarted at once replays its own pending payments', async () => {
  await withProcessors(async (d, f) => {
    const s = await upPayments({
      port: 19975,
      store: 'redis',
      durable: true,
      defaultUrl: d.url,
      fallbackUrl: f.url,
      runDir: runDir(),
      log: () => {},
    });
    const api = `http://127.0.0.1:${s.port}`;
    try {
      await admin(d, 'failure', true);
      await admin(f, 'failure', true);
      const ids = Array.from({ length: 300 }, () => randomUUID());
      const st = await Promise.all(ids.map((id) => post(api, id)));
      assert.ok(st.every((c) => c === 202));
      const api1 = s.stack.service('api1');
      api1.crash();
      await api1.exited();
      api1.start(); // the same name: it reads its own pending entries first
      await waitUntil(
        'api1 replays',
        async () =>
          /replayed \d+ pending payments of this instance/.test(
            readFileSync(api1.spec.logFile, 'utf8'),
          ),
        { timeoutMs: 15_000, intervalMs: 100 },
      );
      await admin(d, 'failure', false);
      await admin(f, 'failure', false);
      await waitUntil(
        'all processed',
        async () => {
          const o = await ours(s);
          return o.default.totalRequests + o.fallback.totalRequests === ids.length;
        },
        { timeoutMs: 30_000, intervalMs: 200 },
      );
      await storedOnce([d, f], ids);
    } finally {
      await s.stop();
    }
  });
});

test('the same correlationId posted five times at once while default times out: charged once', async () => {
  await withProcessors(async (d, f) => {
    const s = await upPayments({
      port: 19976,
      defaultUrl: d.url,
      fallbackUrl: f.url,
      runDir: runDir(),
      log: () => {},
    });
    const api = `http://127.0.0.1:${s.port}`;
    try {
      // Default answers after our 6-s timeout (the outcome is unknown), fallback is failing: a
      // copy routed anywhere else would be a second charge.
      await admin(d, 'delay', 6_500);
      await admin(f, 'failure', true);
      const id = randomUUID();
      const st = await Promise.all(Array.from({ length: 5 }, () => post(api, id)));
      assert.deepEqual(st, [202, 202, 202, 202, 202]);
      await admin(f, 'failure', false);
      await waitUntil('recorded', async () => (await ours(s)).default.totalRequests === 1, {
        timeoutMs: 30_000,
        intervalMs: 200,
      });
      await admin(d, 'delay', 0);
      assert.equal(
        (await totals(d)).totalRequests + (await totals(f)).totalRequests,
        1,
        'charged once',
      );
      const o = await ours(s);
      assert.equal(o.default.totalRequests + o.fallback.totalRequests, 1);
    } finally {
      await s.stop();
    }
  });
});
