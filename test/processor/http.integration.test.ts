// The simulator over real HTTP: every endpoint and rule of the processor contract.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { startProcessor, type RunningProcessor } from '../../src/processor/server.js';
import { Client } from '../helpers/http.js';

const T = { 'x-rinha-token': '123' };

async function call(
  c: Client,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const { request } = await import('undici');
  const r = await request(c.origin + path, {
    method: method as 'GET',
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await r.body.text();
  return {
    status: r.statusCode,
    headers: r.headers,
    text,
    json: () => JSON.parse(text) as Record<string, unknown>,
  };
}

/** Waits (bounded) for a condition on the in-process simulator. */
async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!cond()) {
    if (performance.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setImmediate(r));
  }
}

const pay = (id = randomUUID(), amount = 19.9, requestedAt = new Date().toISOString()) => ({
  correlationId: id,
  amount,
  requestedAt,
});

describe('payment-processor simulator', () => {
  let p: RunningProcessor;
  let c: Client;
  before(async () => {
    p = await startProcessor({ port: 0, fee: '0.05', rateLimitSeconds: 1 });
    c = new Client(p.url, 8);
  });
  after(async () => {
    await c.close();
    await p.close();
  });

  test('POST /payments stores once; a duplicate gets 422; GET /payments/{id} returns it', async () => {
    const body = pay(undefined, 19.9, '2025-07-15T12:34:56.000Z');
    const r = await call(c, 'POST', '/payments', body);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { message: 'payment processed successfully' });
    const dup = await call(c, 'POST', '/payments', { ...body, amount: 5 });
    assert.equal(dup.status, 422);
    assert.match(String(dup.json().message), /CorrelationId already exists/);
    const got = await call(c, 'GET', `/payments/${body.correlationId}`);
    assert.equal(got.status, 200);
    assert.deepEqual(got.json(), {
      correlationId: body.correlationId,
      amount: 19.9,
      requestedAt: '2025-07-15T12:34:56.000Z',
    });
    assert.equal((await call(c, 'GET', `/payments/${randomUUID()}`)).status, 404);
    assert.equal(
      (await call(c, 'GET', '/payments/%E0%A4%A')).status,
      404,
      'malformed escape is just unknown',
    );
  });

  test('failure mode: 500 and nothing stored', async () => {
    assert.deepEqual(
      (await call(c, 'PUT', '/admin/configurations/failure', { failure: true }, T)).json(),
      { config: 'failure', was: false, is: true },
    );
    const before = (await call(c, 'GET', '/admin/payments-summary', undefined, T)).json();
    const body = pay();
    assert.equal((await call(c, 'POST', '/payments', body)).status, 500);
    assert.equal((await call(c, 'GET', `/payments/${body.correlationId}`)).status, 404);
    assert.deepEqual(
      (await call(c, 'GET', '/admin/payments-summary', undefined, T)).json(),
      before,
    );
    assert.deepEqual(
      (await call(c, 'PUT', '/admin/configurations/failure', { failure: false }, T)).json(),
      { config: 'failure', was: true, is: false },
    );
    assert.equal(
      (await call(c, 'POST', '/payments', body)).status,
      200,
      'stored once failure mode is off',
    );
  });

  test('delay: respected, and a change applies to later requests only', async () => {
    assert.deepEqual(
      (await call(c, 'PUT', '/admin/configurations/delay', { delay: 300 }, T)).json(),
      { config: 'delay', was: 0, is: 300 },
    );
    const health = await call(c, 'GET', '/payments/service-health');
    assert.deepEqual(health.json(), { failing: false, minResponseTime: 300 });
    const t0 = performance.now();
    const slow = call(c, 'POST', '/payments', pay()).then((r) => ({
      r,
      ms: performance.now() - t0,
    }));
    await until(() => p.processor.stats().inProgress === 1); // the slow request has started its delay
    await call(c, 'PUT', '/admin/configurations/delay', { delay: 0 }, T);
    const t1 = performance.now();
    assert.equal((await call(c, 'POST', '/payments', pay())).status, 200);
    assert.ok(performance.now() - t1 < 250, 'a request after the change is not delayed');
    const { r, ms } = await slow;
    assert.equal(r.status, 200);
    assert.ok(ms >= 295, `waited ${ms} ms, expected at least the 300 ms it started with`);
  });

  test('admin endpoints need the current token; token rotation', async () => {
    assert.equal((await call(c, 'GET', '/admin/payments-summary')).status, 401);
    assert.equal(
      (await call(c, 'GET', '/admin/payments-summary', undefined, { 'x-rinha-token': 'wrong' }))
        .status,
      401,
    );
    assert.equal((await call(c, 'POST', '/admin/purge-payments')).status, 401);
    assert.equal((await call(c, 'PUT', '/admin/configurations/delay', { delay: 1 })).status, 401);
    assert.equal(
      (await call(c, 'PUT', '/admin/configurations/token', { token: 'abc' }, T)).status,
      204,
    );
    assert.equal(
      (await call(c, 'GET', '/admin/payments-summary', undefined, T)).status,
      401,
      'old token refused',
    );
    assert.equal(
      (await call(c, 'GET', '/admin/payments-summary', undefined, { 'x-rinha-token': 'abc' }))
        .status,
      200,
    );
    assert.equal(
      (
        await call(
          c,
          'PUT',
          '/admin/configurations/token',
          { token: '123' },
          { 'x-rinha-token': 'abc' },
        )
      ).status,
      204,
    );
  });

  test('summary: inclusive range at the boundaries, all payments without bounds; purge', async () => {
    assert.deepEqual((await call(c, 'POST', '/admin/purge-payments', undefined, T)).json(), {
      message: 'All payments purged.',
    });
    const at = (s: number) => new Date(Date.parse('2025-07-15T12:00:00.000Z') + s).toISOString();
    for (const [ms, amount] of [
      [0, 10],
      [1, 20.5],
      [999, 30],
      [1000, 0.01],
      [5000, 19.9],
    ] as const) {
      assert.equal(
        (await call(c, 'POST', '/payments', pay(undefined, amount, at(ms)))).status,
        200,
      );
    }
    const sum = async (q: string) =>
      (await call(c, 'GET', `/admin/payments-summary${q}`, undefined, T)).json();
    assert.deepEqual(await sum(''), {
      totalRequests: 5,
      totalAmount: 80.41,
      totalFee: 4.0205,
      feePerTransaction: 0.05,
    });
    assert.deepEqual(await sum(`?from=${at(0)}&to=${at(1000)}`), {
      totalRequests: 4,
      totalAmount: 60.51,
      totalFee: 3.0255,
      feePerTransaction: 0.05,
    });
    assert.deepEqual(await sum(`?from=${at(1)}&to=${at(999)}`), {
      totalRequests: 2,
      totalAmount: 50.5,
      totalFee: 2.525,
      feePerTransaction: 0.05,
    });
    assert.deepEqual(
      (await sum(`?from=${at(1000)}`)).totalRequests,
      5,
      'one bound only: all payments',
    );
    assert.equal(
      (await call(c, 'GET', '/admin/payments-summary?from=yesterday&to=today', undefined, T))
        .status,
      400,
    );
    await call(c, 'POST', '/admin/purge-payments', undefined, T);
    assert.deepEqual(await sum(''), {
      totalRequests: 0,
      totalAmount: 0,
      totalFee: 0,
      feePerTransaction: 0.05,
    });
  });

  test('property: invalid bodies get 400 and store nothing', async () => {
    await call(c, 'POST', '/admin/purge-payments', undefined, T);
    const invalid = fc.oneof(
      fc.string(),
      fc
        .record({
          correlationId: fc.string(),
          amount: fc.double(),
          requestedAt: fc.constant('2025-07-15T12:00:00Z'),
        })
        .map((v) => JSON.stringify(v)),
      fc
        .record({
          correlationId: fc.uuid(),
          amount: fc.oneof(fc.string(), fc.constant(null), fc.integer({ max: -1 })),
          requestedAt: fc.constant('2025-07-15T12:00:00Z'),
        })
        .map((v) => JSON.stringify(v)),
      fc
        .record({
          correlationId: fc.uuid(),
          amount: fc.constant(1),
          requestedAt: fc.oneof(fc.string(), fc.integer()),
        })
        .map((v) => JSON.stringify(v)),
    );
    const samples = fc.sample(invalid, { numRuns: 200, seed: 3 });
    for (const raw of samples) {
      const r = await call(c, 'POST', '/payments', raw);
      assert.equal(r.status, 400, raw);
    }
    const s = (await call(c, 'GET', '/admin/payments-summary', undefined, T)).json();
    assert.equal(s.totalRequests, 0);
  });
});

test('health check: 1 call per window, the next 2 wait for later windows, the 4th gets 429 + Retry-After', async () => {
  const p = await startProcessor({ port: 0, fee: '0.05', rateLimitSeconds: 1 });
  const c = new Client(p.url, 8);
  try {
    const t0 = performance.now();
    const health = () =>
      call(c, 'GET', '/payments/service-health').then((r) => ({
        status: r.status,
        ms: performance.now() - t0,
        r,
      }));
    const first = await health();
    assert.equal(first.status, 200);
    assert.ok(first.ms < 500, 'the first call of a window is answered at once');
    const second = health();
    const third = health();
    await until(() => p.processor.stats().healthQueued === 2);
    const fourth = await health();
    assert.equal(fourth.status, 429);
    assert.equal(fourth.r.headers['retry-after'], '1');
    const [a, b] = await Promise.all([second, third]);
    assert.equal(a.status, 200);
    assert.equal(b.status, 200);
    assert.ok(
      a.ms >= 900 && a.ms <= 1300,
      `the oldest waiter is served at the next window (${a.ms} ms)`,
    );
    assert.ok(b.ms - a.ms >= 900, `the next one a window later (${a.ms} then ${b.ms} ms)`);
  } finally {
    await c.close();
    await p.close();
  }
});

test('concurrency limiter over HTTP: beyond in-progress + waiting, 429', async () => {
  const p = await startProcessor({ port: 0, fee: '0.15', maxActive: 2, maxQueued: 1 });
  const c = new Client(p.url, 8);
  try {
    await call(c, 'PUT', '/admin/configurations/delay', { delay: 400 }, T);
    const inFlight = [0, 1, 2].map(() => call(c, 'POST', '/payments', pay()));
    await until(() => p.processor.stats().inProgress === 2 && p.processor.stats().queued === 1);
    const refused = await call(c, 'POST', '/payments', pay());
    assert.equal(refused.status, 429);
    assert.deepEqual(
      (await Promise.all(inFlight)).map((r) => r.status),
      [200, 200, 200],
    );
  } finally {
    await c.close();
    await p.close();
  }
});
