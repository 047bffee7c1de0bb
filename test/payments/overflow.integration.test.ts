// The policy against the real simulators, through nginx: a default slower than it can carry
// overflows to a fast fallback with nothing left behind or charged twice; and the audit race
// that fined a final run (a slow default's payments completing between the moments the audit
// reads the processor and reads us) cannot happen while a fast processor is there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { upPayments, type PaymentsStack } from '../../src/payments/stack.js';
import { waitUntil } from '../../src/stack/stack.js';

const T = { 'x-rinha-token': '123' };
let s: PaymentsStack;
let api: string;

before(async () => {
  s = await upPayments({
    port: 19995,
    simulatorPorts: [18811, 18812],
    runDir: mkdtempSync(path.join(os.tmpdir(), 'rinha-overflow-')),
    log: () => {},
  });
  api = `http://127.0.0.1:${s.port}`;
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
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: r.statusCode, text: await r.body.text() };
}
type Totals = { totalRequests: number; totalAmount: number };
const ours = async (q = '') =>
  JSON.parse((await call(`${api}/payments-summary${q}`, 'GET')).text) as Record<
    'default' | 'fallback',
    Totals
  >;
const theirs = async (p: 'default' | 'fallback', q = '') =>
  JSON.parse(
    (await call(`${s.processors[p]}/admin/payments-summary${q}`, 'GET', undefined, T)).text,
  ) as Totals;
const configure = (p: 'default' | 'fallback', what: 'delay' | 'failure', value: number | boolean) =>
  call(`${s.processors[p]}/admin/configurations/${what}`, 'PUT', { [what]: value }, T);

async function reset(): Promise<void> {
  for (const p of ['default', 'fallback'] as const) {
    await call(`${s.processors[p]}/admin/purge-payments`, 'POST', undefined, T);
    await configure(p, 'failure', false);
    await configure(p, 'delay', 0);
  }
  assert.equal((await call(`${api}/purge-payments`, 'POST')).status, 200);
}

async function post(id: string): Promise<number> {
  return (await call(`${api}/payments`, 'POST', { correlationId: id, amount: 19.9 })).status;
}

test('default slower than it can carry, fallback fast: the excess goes to fallback, nothing left behind or charged twice', async () => {
  await reset();
  // 1.4 s is audit-safe; at 400 in flight per instance default carries ~570 payments/s.
  await configure('default', 'delay', 1400);
  const ids = Array.from({ length: 2400 }, () => randomUUID());
  for (let i = 0; i < ids.length; i += 200) {
    const statuses = await Promise.all(ids.slice(i, i + 200).map(post));
    assert.ok(statuses.every((c) => c === 202));
  }
  await waitUntil(
    'every payment processed',
    async () => {
      const o = await ours();
      return o.default.totalRequests + o.fallback.totalRequests === ids.length;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const [o, d, f] = [await ours(), await theirs('default'), await theirs('fallback')];
  const pick = (t: Totals) => ({ totalRequests: t.totalRequests, totalAmount: t.totalAmount });
  assert.deepEqual(o, { default: pick(d), fallback: pick(f) }, "our summary is the processors'");
  assert.ok(
    d.totalRequests > 0 && f.totalRequests > 0,
    `both carried some: ${d.totalRequests} / ${f.totalRequests}`,
  );
  for (const id of ids.filter((_, i) => i % 20 === 0)) {
    const where = await Promise.all(
      (['default', 'fallback'] as const).map(
        async (p) => (await call(`${s.processors[p]}/payments/${id}`, 'GET')).status,
      ),
    );
    assert.equal(where.filter((c) => c === 200).length, 1, `${id} stored exactly once`);
  }
  await configure('default', 'delay', 0);
});

test("the audit race: with default slow past the audit lag, a skewed audit still finds our counts equal to the processors'", async () => {
  await reset();
  // Payments that take 2.5 s complete after the 2-s audit lag; were they on default, the ones
  // completing between the two reads below would count on one side only. The audit reads the
  // processors, then us 150 ms later (the real skew is a few ms; this one makes it certain).
  await configure('default', 'delay', 2500);
  const stop = Date.now() + 6_000;
  const stream = (async () => {
    while (Date.now() < stop) {
      await Promise.all(Array.from({ length: 10 }, () => post(randomUUID())));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  await new Promise((r) => setTimeout(r, 4_500));
  const now = Date.now();
  const q = `?from=${new Date(now - 15_000).toISOString()}&to=${new Date(now - 2_000).toISOString()}`;
  const [d, f] = await Promise.all([theirs('default', q), theirs('fallback', q)]);
  await new Promise((r) => setTimeout(r, 150));
  const o = await ours(q);
  await stream;
  assert.ok(d.totalRequests + f.totalRequests > 100, 'payments were in the audit window');
  assert.equal(
    o.default.totalRequests + o.fallback.totalRequests,
    d.totalRequests + f.totalRequests,
    `ours ${JSON.stringify(o)}, theirs ${JSON.stringify({ d, f })}`,
  );
  assert.equal(o.default.totalRequests, d.totalRequests);
  await configure('default', 'delay', 0);
});
