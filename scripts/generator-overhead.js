// Measures the load generator's own overhead in the 2025 scenario: VUs ramping to 600 (about
// 600 requests/s at the top) against a canned HTTP server and two processor simulators, each in
// its own process, so the figures are the generator's alone.
//   node scripts/generator-overhead.js [--vus 600] [--duration 60] [--workers 1]
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { bench2025 } from '../dist/src/bench/bench2025.js';

const { values } = parseArgs({
  options: {
    vus: { type: 'string', default: '600' },
    duration: { type: 'string', default: '60' },
    workers: { type: 'string', default: '1' },
  },
});
const vus = Number(values.vus);
const duration = Number(values.duration);
if (!(vus > 0 && vus <= 5000 && duration > 0 && duration <= 600))
  throw new Error('bad --vus/--duration');

function start(args, ready) {
  const child = spawn(process.execPath, ['bin/rinha.js', ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d) => String(d).includes(ready) && resolve(child));
    child.once('exit', () => reject(new Error(`${args.join(' ')} exited`)));
  });
}

const children = await Promise.all([
  start(['serve', '2024', '--canned', '--port', '18101'], 'listening'),
  start(['processor', '--port', '18102', '--fee', '0.05'], 'listening'),
  start(['processor', '--port', '18103', '--fee', '0.15'], 'listening'),
]);
try {
  const healthy = { delayMs: 0, failing: false };
  const { result } = await bench2025({
    target: 'http://127.0.0.1:18101',
    defaultUrl: 'http://127.0.0.1:18102',
    fallbackUrl: 'http://127.0.0.1:18103',
    token: '123',
    schedule: {
      name: 'generator-overhead',
      durationSec: duration,
      maxVUs: vus,
      amount: 19.9,
      stages: [{ atSec: 0, default: healthy, fallback: healthy }],
    },
    grossFrom: 'processors',
    workers: Number(values.workers),
    reportsBase: mkdtempSync(path.join(os.tmpdir(), 'rinha-overhead-')),
    progress: false,
  });
  const last = result.timeline.slice(-10);
  console.log(
    JSON.stringify(
      {
        vus,
        duration,
        workers: Number(values.workers),
        posts: result.pagamentos_solicitados,
        requestsPerSecondLast10s: Math.round(
          last.reduce((a, t) => a + t.requests, 0) / last.length,
        ),
        postPaymentsMs: result.extras.postPayments,
        generator: result.extras.generator,
      },
      null,
      2,
    ),
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
}
