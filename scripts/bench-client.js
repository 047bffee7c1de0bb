// Micro-benchmark of the outbound side of a Payments instance (not a test): the client CPU each
// payment costs, for two ways of sending it with undici, side by side against one simulator.
//   request  — Pool#request, then the body stream dumped (src/payments/processors/client.ts);
//   dispatch — Pool#dispatch with a bare handler (no stream, no promise per chunk).
// At concurrency 1 every payment pays a whole event-loop round trip alone, as the instances'
// sends mostly do at a few hundred payments per second; at 64 they share them.
// Rounds alternate A B A B … so drift (a noisy VM) hits both. CPU is this process's own
// (process.cpuUsage: user + system), which contention on the machine does not inflate much.
//   node scripts/bench-client.js [--payments 20000] [--concurrency 64] [--rounds 4]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';

const { values } = parseArgs({
  options: {
    payments: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '4' },
    port: { type: 'string', default: '18011' },
  },
});
const payments = Number(values.payments);
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
if (
  !(payments > 0 && payments <= 200_000) ||
  !(concurrency > 0 && concurrency <= 512) ||
  !(rounds > 0 && rounds <= 20)
)
  throw new Error('bad arguments: --payments 1..200000, --concurrency 1..512, --rounds 1..20');

const child = spawn(
  process.execPath,
  [
    'bin/rinha.js',
    'processor',
    '--port',
    values.port,
    '--max-payments',
    String(payments * (rounds * 2 + 2) + 10),
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
await new Promise((resolve, reject) => {
  child.stderr.on('data', (d) => String(d).includes('listening') && resolve());
  child.once('exit', () => reject(new Error('processor exited')));
});

const pool = new Pool(`http://127.0.0.1:${values.port}`, {
  connections: concurrency,
  pipelining: 1,
  keepAliveTimeout: 30_000,
});
const HEADERS = { 'content-type': 'application/json' };
const bodyOf = (i) =>
  `{"correlationId":"${randomUUID()}","amount":20.05,"requestedAt":"${new Date(1_750_000_000_000 + i).toISOString()}"}`;

const variants = {
  async request(body) {
    const r = await pool.request({ method: 'POST', path: '/payments', headers: HEADERS, body });
    await r.body.dump();
    return r.statusCode;
  },
  dispatch(body) {
    return new Promise((resolve) => {
      let status = 0;
      pool.dispatch(
        { method: 'POST', path: '/payments', headers: HEADERS, body },
        {
          onConnect() {},
          onHeaders(s) {
            status = s;
            return true;
          },
          onData() {
            return true;
          },
          onComplete() {
            resolve(status);
          },
          onError() {
            resolve(0);
          },
        },
      );
    });
  },
};

async function round(name, offset) {
  const send = variants[name];
  let next = 0;
  let non200 = 0;
  const worker = async () => {
    while (next < payments) {
      const i = next++;
      if ((await send(bodyOf(offset + i))) !== 200) non200++;
    }
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return {
    variant: name,
    payments,
    non200,
    cpuUsPerPayment: Math.round(((cpu.user + cpu.system) / payments) * 10) / 10,
    paymentsPerSec: Math.round((payments / wallMs) * 1000),
  };
}

try {
  await round('request', 0); // warm-up of both paths and of the simulator, not reported
  await round('dispatch', payments);
  for (let r = 0; r < rounds; r++)
    for (const name of r % 2 === 0 ? ['request', 'dispatch'] : ['dispatch', 'request'])
      console.log(
        JSON.stringify(await round(name, payments * (2 + 2 * r + (name === 'request' ? 0 : 1)))),
      );
} finally {
  await pool.close();
  child.kill('SIGTERM');
}
