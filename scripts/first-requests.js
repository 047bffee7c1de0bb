#!/usr/bin/env node
// The latency of a freshly started stack's first requests, one at a time, each on a new
// connection: what a cold instance (uncompiled hot paths, unopened upstream connections) costs
// the first users. Run it right after `rinha up … ` prints ready, before anything else talks
// to the stack.
//   node scripts/first-requests.js --system 2025 [--url http://127.0.0.1:9999] [--count 50]
// 2025 alternates accepted payments (new correlationIds: they change the stack's state) with
// summaries; 2024 alternates extratos with refused debits (nothing changes).
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { request } from 'undici';

const { values: o } = parseArgs({
  options: {
    system: { type: 'string', default: '2025' },
    url: { type: 'string', default: 'http://127.0.0.1:9999' },
    count: { type: 'string', default: '50' },
  },
});
const count = Number(o.count);
if (!(Number.isInteger(count) && count > 0 && count <= 10_000))
  throw new Error('--count must be an integer in [1, 10000]');
if (o.system !== '2024' && o.system !== '2025') throw new Error('--system must be 2024 or 2025');

function nth(i) {
  if (o.system === '2025')
    return i % 2 === 0
      ? {
          method: 'POST',
          path: '/payments',
          body: JSON.stringify({ correlationId: randomUUID(), amount: 19.9 }),
          expect: 202,
        }
      : { method: 'GET', path: '/payments-summary', expect: 200 };
  const id = 1 + (i % 5);
  return i % 2 === 0
    ? { method: 'GET', path: `/clientes/${id}/extrato`, expect: 200 }
    : {
        method: 'POST',
        path: `/clientes/${id}/transacoes`,
        body: '{"valor":9000000000,"tipo":"d","descricao":"frio"}',
        expect: 422,
      };
}

const ms = [];
for (let i = 0; i < count; i++) {
  const r = nth(i);
  const t0 = performance.now();
  const res = await request(`${o.url}${r.path}`, {
    method: r.method,
    reset: true, // a new connection per request, as the official tests' new users
    ...(r.body ? { body: r.body, headers: { 'content-type': 'application/json' } } : {}),
  });
  await res.body.dump();
  const t = performance.now() - t0;
  if (res.statusCode !== r.expect)
    throw new Error(
      `request ${i} (${r.method} ${r.path}) answered ${res.statusCode}, not ${r.expect}`,
    );
  ms.push(t);
}
const round = (x) => Math.round(x * 100) / 100;
const sorted = [...ms].sort((a, b) => a - b);
console.log(
  JSON.stringify({
    system: o.system,
    count,
    firstMs: ms.slice(0, 10).map(round),
    maxMs: round(sorted.at(-1)),
    maxIndex: ms.indexOf(sorted.at(-1)),
    p50Ms: round(sorted[Math.floor((sorted.length - 1) / 2)]),
    lastTenMaxMs: round(Math.max(...ms.slice(-10))),
  }),
);
