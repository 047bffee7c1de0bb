#!/usr/bin/env node
// Latency of POST /payments at a low, steady rate (one request at a time, keep-alive), to
// separate the machine's own floor from the backend's: run it against the stack, the canned
// stack, or an API instance's unix socket directly.
//   node scripts/probe-latency.js --rate 20 --seconds 20 [--url http://127.0.0.1:9999] [--socket PATH]
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Client } from 'undici';

const { values: o } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    seconds: { type: 'string', default: '20' },
    url: { type: 'string', default: 'http://127.0.0.1:9999' },
    socket: { type: 'string' },
  },
});
const rate = Number(o.rate);
const seconds = Number(o.seconds);
if (!(rate > 0 && rate <= 2000 && seconds > 0 && seconds <= 600))
  throw new Error('--rate must be in (0, 2000] and --seconds in (0, 600]');
const client = new Client(
  o.socket ? 'http://api' : o.url,
  o.socket ? { socketPath: o.socket } : {},
);
const samples = [];
const t0 = performance.now();
const n = Math.round(rate * seconds);
for (let i = 0; i < n; i++) {
  const due = t0 + (i * 1000) / rate;
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  const s = performance.now();
  const r = await client.request({
    method: 'POST',
    path: '/payments',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ correlationId: randomUUID(), amount: 19.9 }),
  });
  await r.body.dump();
  samples.push(performance.now() - s);
}
await client.close();
samples.sort((a, b) => a - b);
const q = (p) =>
  samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)].toFixed(3);
console.log(
  `${n} requests at ${rate}/s to ${o.socket ?? o.url}: p50 ${q(0.5)} p90 ${q(0.9)} p99 ${q(0.99)} max ${q(1)} ms`,
);
