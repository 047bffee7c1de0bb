// Hostile input against the Payments stack, through nginx and straight to an instance's public
// socket. After it the same instances are alive, the private endpoints were never reachable from
// outside, and the summary holds exactly the payments answered 202 — once each — and equals the
// processors'.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request as undiciRequest } from 'undici';
import { upPayments, type PaymentsStack } from '../../src/payments/stack.js';
import { waitUntil } from '../../src/stack/stack.js';
import { rawExchange, request, type RawTarget } from '../helpers/raw.js';
import { fire, hostileCases } from './cases.js';

const REAL = [
  '/payments',
  '/payments-summary',
  '/purge-payments',
  '/payments-summary?from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z',
];
const SHAPES = [{ correlationId: '4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3', amount: 19.9 }];
const CASES = 6_000;
const VALID = 500;
const FORBIDDEN = new Set([500, 502, 503, 504]);

let s: PaymentsStack;
before(async () => {
  s = await upPayments({
    port: 19985,
    simulatorPorts: [18821, 18822],
    runDir: mkdtempSync(path.join(os.tmpdir(), 'rinha-hostile-')),
    log: () => {},
  });
});
after(async () => {
  await s?.stop();
});

const json = async <T>(url: string, headers: Record<string, string> = {}) =>
  JSON.parse(await (await undiciRequest(url, { headers })).body.text()) as T;
type Totals = { totalRequests: number; totalAmount: number };

test(`${CASES} hostile requests and ${VALID} valid payments: nothing crashes, each accepted payment processed once`, async () => {
  const pids = s.stack.services.map((x) => x.pid);
  const sockets = s.stack.services
    .filter((x) => x.spec.name.startsWith('api'))
    .map((x) => x.spec.args[x.spec.args.indexOf('--socket') + 1]!);
  // Hostile cases never purge: the accounting below needs the whole run.
  const hostile = fc
    .sample(hostileCases(REAL, SHAPES), { numRuns: CASES, seed: 3 })
    .filter((c) => !c.bytes.includes('purge'));
  const valid = Array.from({ length: VALID }, () => {
    const id = randomUUID();
    // Repeats too: the same correlationId posted three times is one payment.
    return {
      bytes: Buffer.from(
        request('POST', '/payments', JSON.stringify({ correlationId: id, amount: 10.5 }), [
          'content-type: application/json',
        ]),
      ),
      label: `valid ${id}`,
      id,
    };
  });
  const repeats = valid.slice(0, 50).flatMap((v) => [v, v]);
  const all = [...hostile, ...valid, ...repeats].sort(() => 0.5 - Math.random());
  const accepted = new Set<string>();
  let acceptedCents = 0;
  await fire(all, 32, async (c) => {
    const i = Math.floor(Math.random() * 10);
    const target: RawTarget = i < 2 ? { socketPath: sockets[i]! } : { port: s.port };
    const a = await rawExchange(target, c.bytes);
    if (FORBIDDEN.has(a.status)) assert.fail(`${c.label} → ${a.status}: ${a.text.slice(0, 300)}`);
    if (a.status === 202) {
      // Whatever was accepted must be a payment we can name: the body we sent.
      const text = c.bytes.toString('utf8');
      const body = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4)) as {
        correlationId: string;
        amount: number;
      };
      const id = body.correlationId.toLowerCase();
      if (!accepted.has(id)) acceptedCents += Math.round(body.amount * 100);
      accepted.add(id);
    }
    return a.status;
  });
  assert.deepEqual(
    s.stack.services.map((x) => x.pid),
    pids,
    'the same processes',
  );
  assert.ok(
    s.stack.services.every((x) => x.running),
    'all still running',
  );
  for (const p of ['/internal/purge', '/internal/summary', '/internal/ping', '/internal/adopt'])
    assert.equal(
      (await rawExchange({ port: s.port }, request('GET', p))).status,
      404,
      `${p} is not public`,
    );
  const ours = () =>
    json<Record<'default' | 'fallback', Totals>>(`http://127.0.0.1:${s.port}/payments-summary`);
  await waitUntil(
    'every accepted payment processed',
    async () => {
      const o = await ours();
      return o.default.totalRequests + o.fallback.totalRequests >= accepted.size;
    },
    { timeoutMs: 30_000, intervalMs: 200 },
  );
  const T = { 'x-rinha-token': '123' };
  const [o, d, f] = [
    await ours(),
    await json<Totals>(`${s.processors.default}/admin/payments-summary`, T),
    await json<Totals>(`${s.processors.fallback}/admin/payments-summary`, T),
  ];
  assert.equal(
    o.default.totalRequests + o.fallback.totalRequests,
    accepted.size,
    'one payment per accepted correlationId',
  );
  assert.equal(o.default.totalRequests, d.totalRequests);
  assert.equal(o.fallback.totalRequests, f.totalRequests);
  assert.equal(Math.round((o.default.totalAmount + o.fallback.totalAmount) * 100), acceptedCents);
});
