// Interim open-model load measurement for Crébito until `rinha bench` exists. Requests arrive
// evenly spaced at a fixed rate (an open model, like Gatling's constant arrival rate), each on a
// NEW connection as Gatling's virtual users do (or --keepalive), with the official mix: debits
// 220 : credits 110 : extratos 10, random client 1-5, valor 1-10000, 10-char descricao.
// Latency = request start to full response, every answer recorded at full precision.
//   node scripts/measure-2024.js [--url http://127.0.0.1:9999] [--rate 340] [--duration 60] [--keepalive]
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:9999' },
    rate: { type: 'string', default: '340' },
    duration: { type: 'string', default: '60' },
    keepalive: { type: 'boolean', default: false },
  },
});
const rate = Number(values.rate);
const duration = Number(values.duration);
if (!(rate > 0 && rate <= 5000 && duration > 0 && duration <= 600))
  throw new Error('--rate must be in (0, 5000], --duration in (0, 600]');
const url = new URL(values.url);
const agent = values.keepalive ? new http.Agent({ keepAlive: true, maxSockets: 256 }) : false;
const total = Math.round(rate * duration);
const LIMITS = { 1: 100000, 2: 80000, 3: 1000000, 4: 10000000, 5: 500000 };

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const pick = (n) => Math.floor(Math.random() * n);
const descricao = () => Array.from({ length: 10 }, () => ALNUM[pick(ALNUM.length)]).join('');

const samples = [];
const statuses = {};
let errors = 0;
let inconsistent = 0;
let inFlight = 0;
let maxLateMs = 0;

function fire() {
  const id = 1 + pick(5);
  const r = pick(340);
  const get = r < 10;
  const body = get
    ? undefined
    : JSON.stringify({ valor: 1 + pick(10000), tipo: r < 230 ? 'd' : 'c', descricao: descricao() });
  const start = performance.now();
  inFlight++;
  const req = http.request(
    {
      host: url.hostname,
      port: url.port,
      method: get ? 'GET' : 'POST',
      path: get ? `/clientes/${id}/extrato` : `/clientes/${id}/transacoes`,
      agent,
      headers: get
        ? {}
        : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    },
    (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => {
        samples.push(performance.now() - start);
        statuses[res.statusCode] = (statuses[res.statusCode] ?? 0) + 1;
        if (res.statusCode === 200) {
          const j = JSON.parse(text);
          const saldo = get ? j.saldo.total : j.saldo;
          if (saldo < -LIMITS[id]) inconsistent++;
        }
        inFlight--;
      });
    },
  );
  req.on('error', () => {
    errors++;
    inFlight--;
  });
  req.end(body);
}

const loop = monitorEventLoopDelay({ resolution: 1 });
loop.enable();
const t0 = performance.now();
const interval = 1000 / rate;
let sent = 0;
await new Promise((resolve) => {
  const tick = () => {
    const now = performance.now();
    while (sent < total && t0 + sent * interval <= now) {
      maxLateMs = Math.max(maxLateMs, now - (t0 + sent * interval));
      fire();
      sent++;
    }
    if (sent < total) setTimeout(tick, Math.max(0, t0 + sent * interval - performance.now()));
    else resolve();
  };
  tick();
});
const deadline = performance.now() + 10_000;
while (inFlight > 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
loop.disable();

samples.sort((a, b) => a - b);
// Nearest rank on the sorted samples.
const pct = (p) =>
  samples[Math.min(samples.length - 1, Math.max(0, Math.ceil((p / 100) * samples.length) - 1))];
const r3 = (x) => (x === undefined ? null : Math.round(x * 1000) / 1000);
console.log(
  JSON.stringify({
    url: values.url,
    rate,
    duration,
    connections: values.keepalive ? 'keep-alive' : 'new per request',
    sent,
    answered: samples.length,
    statuses,
    errors,
    inconsistent,
    latencyMs: {
      p50: r3(pct(50)),
      p90: r3(pct(90)),
      p99: r3(pct(99)),
      p999: r3(pct(99.9)),
      max: r3(samples.at(-1)),
    },
    generator: { maxLateMs: r3(maxLateMs), eventLoopDelayP99Ms: r3(loop.percentile(99) / 1e6) },
  }),
);
