import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gatlingPercentile, k6Percentile, Samples } from '../../src/bench/core/percentiles.js';
import { arrivals, injectionCount, type Injection } from '../../src/bench/core/arrival.js';
import { expectedIterations, vuWindows } from '../../src/bench/core/vus.js';
import { score2024 } from '../../src/bench/core/scoring2024.js';
import { round2, score2025 } from '../../src/bench/core/scoring2025.js';
import {
  floorValidationLine,
  stepsLine,
  summarizeValidation,
  validationLine,
} from '../../src/bench/core/validation2024.js';

test('k6 percentile: linear interpolation at rank p·(n−1)', () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(k6Percentile(v, 50), 5.5);
  assert.equal(k6Percentile(v, 99), 9.91);
  assert.equal(k6Percentile(v, 100), 10);
  assert.equal(k6Percentile(v, 0), 1);
  assert.equal(k6Percentile([7], 99), 7);
  assert.equal(k6Percentile([], 99), 0);
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.ok(Math.abs(k6Percentile(hundred, 99) - 99.01) < 1e-9);
});

test('Gatling percentile: whole milliseconds at the nearest rank', () => {
  const v = [0.4, 0.9, 1.2, 1.7, 2.5, 3.1, 4.9, 7.2, 9.99, 250.5];
  assert.equal(gatlingPercentile(v, 50), 2);
  assert.equal(gatlingPercentile(v, 90), 9);
  assert.equal(gatlingPercentile(v, 99), 250);
  assert.equal(gatlingPercentile(v, 10), 0);
  const hundred = Array.from({ length: 100 }, (_, i) => i + 1.5);
  assert.equal(gatlingPercentile(hundred, 99), 99);
  assert.equal(gatlingPercentile(hundred, 100), 100);
});

test('Samples keeps every value and sorts once', () => {
  const s = new Samples(2);
  for (const x of [5, 1, 4, 2, 3]) s.add(x);
  assert.equal(s.count, 5);
  assert.deepEqual([...s.values()], [1, 2, 3, 4, 5]);
  assert.equal(s.max(), 5);
  assert.equal(s.mean(), 3);
  const capped = new Samples(1, 2);
  capped.add(1);
  capped.add(2);
  assert.throws(() => capped.add(3));
});

const LOAD_2024: Injection[][] = [
  [
    { kind: 'ramp', from: 1, to: 220, duringSec: 120 },
    { kind: 'constant', rate: 220, duringSec: 120 },
  ],
  [
    { kind: 'ramp', from: 1, to: 110, duringSec: 120 },
    { kind: 'constant', rate: 110, duringSec: 120 },
  ],
  [
    { kind: 'ramp', from: 1, to: 10, duringSec: 120 },
    { kind: 'constant', rate: 10, duringSec: 120 },
  ],
];

test('Gatling injection: the 2024 load phase sends 61,380 users (61,503 with the 123 validation requests)', () => {
  const counts = LOAD_2024.map((steps) => arrivals(steps).length);
  assert.deepEqual(counts, [39660, 19860, 1860]);
  assert.equal(counts.reduce((a, b) => a + b) + 123, 61503);
});

test('Gatling injection: users per second follow the ramp formula', () => {
  const t = arrivals(LOAD_2024[0]!);
  const perSecond = new Array(240).fill(0);
  for (const x of t) perSecond[Math.min(239, Math.floor(x))]++;
  for (const s of [0, 30, 60, 119]) {
    const expected = 1 + (219 * (s + 0.5)) / 120; // rate at the middle of second s
    assert.ok(
      Math.abs(perSecond[s] - expected) <= 1.01,
      `second ${s}: ${perSecond[s]} vs ${expected}`,
    );
  }
  for (const s of [120, 180, 239]) assert.equal(perSecond[s], 220, `second ${s}`);
  for (let i = 1; i < t.length; i++) assert.ok(t[i]! >= t[i - 1]!, 'ascending');
  assert.equal(injectionCount({ kind: 'ramp', from: 1, to: 10, duringSec: 12 }), 66);
});

test('k6 ramping-vus: 1 → 550 VUs over 60 s gives about 16,775 iterations against an instant backend', () => {
  const w = vuWindows(1, [{ durationSec: 60, target: 550 }]);
  assert.equal(w.length, 550);
  assert.equal(w[0]!.startSec, 0);
  assert.ok(Math.abs(w[1]!.startSec - 60 / 549) < 1e-9);
  assert.equal(w[549]!.startSec, 60);
  const n = expectedIterations(w, 1.0005);
  assert.ok(n >= 16700 && n <= 16800, `iterations ${n}`);
});

test('k6 ramping-vus: ramp down stops VUs', () => {
  const w = vuWindows(0, [
    { durationSec: 10, target: 10 },
    { durationSec: 10, target: 0 },
  ]);
  assert.equal(w.length, 10);
  assert.equal(w[9]!.startSec, 10);
  assert.equal(w[9]!.endSec, 11);
  assert.equal(w[0]!.endSec, 20);
});

test('2024 SLA: full value, SLA fine below 98%, USD 803.01 per inconsistency', () => {
  assert.deepEqual(score2024({ total: 61503, okUnderThreshold: 61503, inconsistencies: 0 }), {
    percentOkUnderThreshold: 100,
    slaFineUsd: 0,
    inconsistencyFineUsd: 0,
    totalFineUsd: 0,
    valueUsd: 100000,
  });
  const slow = score2024({ total: 1000, okUnderThreshold: 950, inconsistencies: 0 });
  assert.equal(slow.slaFineUsd, 3000);
  assert.equal(slow.valueUsd, 97000);
  const bad = score2024({ total: 1000, okUnderThreshold: 1000, inconsistencies: 10 });
  assert.equal(bad.inconsistencyFineUsd, 8030.1);
  assert.equal(bad.valueUsd, 91969.9);
});

test('2025 score: p99 2.55 ms earns 17%; any inconsistency fines 35%; lag', () => {
  const base = {
    p99Ms: 2.5491,
    inconsistencies: 0,
    successfulPosts: 1100,
    failedPosts: 0,
    maxRequests: 550,
    default: { totalRequests: 1000, totalCents: 1000 * 1990, fee: 0.05 },
    fallback: { totalRequests: 100, totalCents: 100 * 1990, fee: 0.15 },
  };
  const r = score2025(base);
  assert.equal(r.p99.valor, '2.55ms');
  assert.equal(r.p99.bonus, '17%');
  assert.equal(r.total_bruto, 21890);
  assert.equal(r.total_taxas, 1293.5);
  assert.equal(r.total_liquido, 24097.905, '20,596.50 net × 1.17');
  assert.equal(r.lag.lag, 0);
  assert.equal(r.caixa_dois.detectado, false);
  const fined = score2025({ ...base, inconsistencies: 1 });
  assert.equal(fined.multa.porcentagem, 0.35);
  assert.equal(fined.total_liquido, 16889.13, '20,596.50 × (1 + 0.17 − 0.35)');
  assert.equal(score2025({ ...base, p99Ms: 1 }).p99.bonus, '20%');
  assert.equal(score2025({ ...base, p99Ms: 12 }).p99.bonus, '0%');
  const lagging = score2025({ ...base, successfulPosts: 1105 });
  assert.equal(lagging.lag.lag, 5);
  assert.equal(score2025({ ...base, successfulPosts: 1099 }).caixa_dois.detectado, true);
  assert.equal(round2(2.545), 2.55);
  assert.equal(round2(1.005), 1.01);
});

test('2024 validation phase: the requests at or over 5 ms counted, the slowest named, slowest first', () => {
  const steps = [
    { step: 'debits burst', ms: 7.25, atMs: 3 },
    { step: 'client 2: toma', ms: 1.5, atMs: 40 },
    { step: 'debits burst', ms: 5, atMs: 3 },
    { step: 'unknown client', ms: 4.999, atMs: 60 },
  ];
  const v = summarizeValidation(steps);
  assert.equal(v.requests, 4);
  assert.equal(v.overTargetMs, 2, '5 ms itself misses the bar');
  assert.equal(v.maxMs, 7.25);
  assert.deepEqual(
    v.slowest.map((s) => s.ms),
    [7.25, 5, 4.999, 1.5],
  );
  assert.match(
    validationLine(v),
    /^4 requests, 2 took 5 ms or more; slowest: debits burst 7.25 ms at \+3 ms/,
  );
  assert.deepEqual(summarizeValidation([]), {
    requests: 0,
    overTargetMs: 0,
    targetMs: 5,
    maxMs: 0,
    slowest: [],
    bySteps: [],
  });
  assert.equal(stepsLine(summarizeValidation([])), 'every step under 5 ms');
});

test('2024 validation phase per step: clients merged, first-run order, the misses worst first', () => {
  const v = summarizeValidation([
    { step: 'debits burst', ms: 6, atMs: 0 },
    { step: 'debits burst', ms: 2, atMs: 0 },
    { step: 'client 1: toma', ms: 1, atMs: 30 },
    { step: 'client 4: toma', ms: 9.5, atMs: 31 },
    { step: 'client 4: invalid', ms: 0.5, atMs: 40 },
  ]);
  assert.deepEqual(v.bySteps, [
    { step: 'debits burst', requests: 2, overTargetMs: 1, maxMs: 6 },
    { step: 'client N: toma', requests: 2, overTargetMs: 1, maxMs: 9.5 },
    { step: 'client N: invalid', requests: 1, overTargetMs: 0, maxMs: 0.5 },
  ]);
  assert.equal(stepsLine(v), 'client N: toma 1 of 2 (max 9.5 ms), debits burst 1 of 2 (max 6 ms)');
  assert.match(
    floorValidationLine(v),
    /^5 requests, 2 took 5 ms or more; .*; steps at or over the bar: client N: toma 1 of 2/,
  );
});
