// Micro-benchmark of the payment-processor simulator (not a test):
//  1. open-model load: POST /payments at a fixed rate on keep-alive connections, latency of
//     every answer (request start to full response);
//  2. range summaries over the stored payments (via HTTP and in-process);
//  0. memory per 100k payments in the in-process ledger (measured first, on a quiet heap).
//   node --expose-gc scripts/bench-processor.js [--rate 3000] [--duration 20] [--payments 200000]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { PaymentLedger } from '../dist/src/shared/payment-ledger.js';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '3000' },
    duration: { type: 'string', default: '20' },
    payments: { type: 'string', default: '200000' },
    port: { type: 'string', default: '18001' },
  },
});
const rate = Number(values.rate);
const duration = Number(values.duration);
const payments = Number(values.payments);
if (!(
  rate > 0 &&
  rate <= 20000 &&
  duration > 0 &&
  duration <= 120 &&
  payments > 0 &&
  payments <= 1e6
))
  throw new Error('bad arguments');

const pct = (s, p) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
const r3 = (x) => Math.round(x * 1000) / 1000;
const T = { 'x-rinha-token': '123' };

const child = spawn(process.execPath, ['bin/rinha.js', 'processor', '--port', values.port], {
  stdio: ['ignore', 'ignore', 'pipe'],
});
await new Promise((resolve, reject) => {
  child.stderr.on('data', (d) => String(d).includes('listening') && resolve());
  child.once('exit', () => reject(new Error('processor exited')));
});
const origin = `http://127.0.0.1:${values.port}`;
const pool = new Pool(origin, { connections: 128 });
const post = (body) =>
  pool
    .request({
      method: 'POST',
      path: '/payments',
      body,
      headers: { 'content-type': 'application/json' },
    })
    .then((r) => r.body.text().then(() => r.statusCode));

try {
  // 0. Memory (first, on a quiet heap): per 100k payments.
  if (globalThis.gc) {
    globalThis.gc();
    const before = process.memoryUsage().heapUsed;
    const l = new PaymentLedger();
    // Ids as the server gets them: flat strings out of JSON.parse (randomUUID() builds cons strings, 10x larger).
    for (let i = 0; i < 100_000; i++)
      l.add(JSON.parse(`"${randomUUID()}"`), 1990, 1_750_000_000_000 + i);
    globalThis.gc();
    const after = process.memoryUsage().heapUsed;
    console.log(
      JSON.stringify({
        memory: { per100kPaymentsMB: r3((after - before) / 1048576), stored: l.size },
      }),
    );
  } else console.log('(run with --expose-gc for the memory figure)');

  // 1. Fixed-rate POSTs.
  const samples = [];
  let non200 = 0;
  const total = rate * duration;
  const t0 = performance.now();
  const base = Date.now();
  let sent = 0;
  const pending = [];
  await new Promise((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total && t0 + (sent * 1000) / rate <= now) {
        const start = performance.now();
        const body = JSON.stringify({
          correlationId: randomUUID(),
          amount: 19.9,
          requestedAt: new Date(base + sent).toISOString(),
        });
        pending.push(
          post(body).then((s) => {
            samples.push(performance.now() - start);
            if (s !== 200) non200++;
          }),
        );
        sent++;
      }
      if (sent < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  await Promise.all(pending);
  samples.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      load: {
        rate,
        duration,
        requests: samples.length,
        non200,
        latencyMs: {
          p50: r3(pct(samples, 50)),
          p99: r3(pct(samples, 99)),
          p999: r3(pct(samples, 99.9)),
          max: r3(samples.at(-1)),
        },
      },
    }),
  );

  // 2. Summaries over `payments` stored payments (top up to that count, 1 ms apart).
  for (let i = sent; i < payments; i += 512) {
    await Promise.all(
      Array.from({ length: Math.min(512, payments - i) }, (_, k) =>
        post(
          JSON.stringify({
            correlationId: randomUUID(),
            amount: 19.9,
            requestedAt: new Date(base + i + k).toISOString(),
          }),
        ),
      ),
    );
  }
  const from = new Date(base + Math.floor(payments * 0.25) + 0.5).toISOString();
  const to = new Date(base + Math.floor(payments * 0.75)).toISOString();
  const timings = { all: [], range: [] };
  for (let k = 0; k < 50; k++) {
    for (const [name, path] of [
      ['all', '/admin/payments-summary'],
      ['range', `/admin/payments-summary?from=${from}&to=${to}`],
    ]) {
      const s = performance.now();
      const r = await pool.request({ method: 'GET', path, headers: T });
      await r.body.text();
      timings[name].push(performance.now() - s);
    }
  }
  for (const k of Object.keys(timings)) timings[k].sort((a, b) => a - b);
  const ledger = new PaymentLedger();
  for (let i = 0; i < payments; i++) ledger.add(randomUUID(), 1990, base + i);
  const inProc = [];
  for (let k = 0; k < 200; k++) {
    const a = base + Math.floor(Math.random() * payments);
    const s = performance.now();
    ledger.summary(a, a + Math.floor(payments / 2));
    inProc.push(performance.now() - s);
  }
  inProc.sort((a, b) => a - b);
  console.log(
    JSON.stringify({
      summary: {
        payments,
        httpAllMs: { p50: r3(pct(timings.all, 50)), max: r3(timings.all.at(-1)) },
        httpHalfRangeMs: { p50: r3(pct(timings.range, 50)), max: r3(timings.range.at(-1)) },
        inProcessHalfRangeMs: { p50: r3(pct(inProc, 50)), max: r3(inProc.at(-1)) },
      },
    }),
  );
} finally {
  await pool.close();
  child.kill('SIGTERM');
}
