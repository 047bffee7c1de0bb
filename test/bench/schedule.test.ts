import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkDifference, FINAL_SCENARIO } from '../../src/bench/core/scenario2025.js';
import {
  FINAL_2025,
  finalLike,
  parseSchedule,
  PREVIEW_2025,
  scaleSchedule,
} from '../../src/bench/core/schedule2025.js';
import { seededRandom } from '../../src/bench/core/random.js';

test('the preview schedule is the public stage table', () => {
  assert.equal(PREVIEW_2025.durationSec, 60);
  assert.equal(PREVIEW_2025.maxVUs, 550);
  assert.equal(PREVIEW_2025.amount, 19.9);
  assert.deepEqual(
    PREVIEW_2025.stages.map((s) => [
      s.atSec,
      s.default.delayMs,
      s.default.failing,
      s.fallback.delayMs,
      s.fallback.failing,
    ]),
    [
      [1, 0, false, 0, false],
      [10, 100, false, 0, false],
      [20, 100, true, 0, false],
      [30, 2000, true, 1000, true],
      [40, 20, false, 20, false],
      [50, 0, false, 5000, false],
    ],
  );
});

test('final-like schedules: 300 s, 600 VUs, ten 30-s stages, repeatable by seed, varied', () => {
  const a = finalLike(seededRandom(42));
  const b = finalLike(seededRandom(42));
  const c = finalLike(seededRandom(43));
  assert.deepEqual(a, b, 'same seed, same schedule');
  assert.notDeepEqual(a, c);
  assert.equal(a.durationSec, 300);
  assert.equal(a.maxVUs, 600);
  assert.equal(a.stages.length, 10);
  assert.deepEqual(
    a.stages.map((s) => s.atSec),
    [1, 30, 60, 90, 120, 150, 180, 210, 240, 270],
  );
  const all = Array.from({ length: 50 }, (_, i) =>
    finalLike(seededRandom(i)).stages.slice(1),
  ).flat();
  for (const s of all)
    for (const p of [s.default, s.fallback]) assert.ok(p.delayMs >= 0 && p.delayMs <= 5000);
  assert.ok(
    all.some((s) => s.default.failing) && all.some((s) => s.fallback.failing),
    'failures occur',
  );
  assert.ok(
    all.some((s) => s.default.failing && s.fallback.failing),
    'both failing occurs',
  );
  assert.ok(
    all.some((s) => s.default.delayMs >= 2000),
    'slow default occurs',
  );
});

test('scaling shrinks durations and stage times', () => {
  const s = scaleSchedule(PREVIEW_2025, 0.1);
  assert.equal(s.durationSec, 6);
  assert.deepEqual(
    s.stages.map((x) => x.atSec),
    [0.1, 1, 2, 3, 4, 5],
  );
  assert.equal(s.stages[3]!.default.delayMs, 2000, 'processor delays stay as they are');
});

test('schedule files: valid ones parse, invalid ones name the bad field', () => {
  const ok = parseSchedule({
    durationSec: 30,
    maxVUs: 100,
    amount: 10,
    stages: [
      {
        atSec: 0,
        default: { delayMs: 0, failing: false },
        fallback: { delayMs: 5, failing: true },
      },
    ],
  });
  assert.equal(ok.maxVUs, 100);
  assert.throws(() => parseSchedule(null), /JSON object/);
  assert.throws(
    () => parseSchedule({ durationSec: 0, maxVUs: 1, amount: 1, stages: [] }),
    /durationSec/,
  );
  assert.throws(
    () => parseSchedule({ durationSec: 10, maxVUs: 1, amount: 1, stages: [] }),
    /stages/,
  );
  assert.throws(
    () =>
      parseSchedule({
        durationSec: 10,
        maxVUs: 1,
        amount: 1,
        stages: [
          {
            atSec: 20,
            default: { delayMs: 0, failing: false },
            fallback: { delayMs: 0, failing: false },
          },
        ],
      }),
    /atSec/,
  );
  assert.throws(
    () =>
      parseSchedule({
        durationSec: 10,
        maxVUs: 1,
        amount: 1,
        stages: [
          {
            atSec: 1,
            default: { delayMs: -1, failing: false },
            fallback: { delayMs: 0, failing: false },
          },
        ],
      }),
    /default.delayMs/,
  );
  assert.throws(
    () =>
      parseSchedule({
        durationSec: 10,
        maxVUs: 1,
        amount: 1,
        stages: [
          {
            atSec: 1,
            default: { delayMs: 1, failing: 'no' },
            fallback: { delayMs: 0, failing: false },
          },
        ],
      }),
    /failing/,
  );
  assert.throws(
    () =>
      parseSchedule({
        durationSec: 10,
        maxVUs: 1,
        amount: 1,
        stages: [
          {
            atSec: 5,
            default: { delayMs: 0, failing: false },
            fallback: { delayMs: 0, failing: false },
          },
          {
            atSec: 1,
            default: { delayMs: 0, failing: false },
            fallback: { delayMs: 0, failing: false },
          },
        ],
      }),
    /time order/,
  );
});

test('the final is the published script: 300 s, 603 VUs, 20.05, its ten stages, fees 0.07/0.10, the last 70 s scored', () => {
  assert.deepEqual(
    [FINAL_2025.durationSec, FINAL_2025.maxVUs, FINAL_2025.amount],
    [300, 603, 20.05],
  );
  assert.deepEqual(
    FINAL_2025.stages.map((s) => [
      s.atSec,
      s.default.delayMs,
      s.default.failing,
      s.fallback.delayMs,
      s.fallback.failing,
    ]),
    [
      [1, 0, false, 0, false],
      [30, 1000, false, 0, false],
      [60, 500, false, 0, false],
      [90, 2000, true, 1000, false],
      [120, 5000, true, 5, false],
      [150, 0, false, 5, true],
      [180, 100, false, 5, false],
      [210, 50, false, 0, false],
      [240, 103, false, 10, false],
      [270, 2000, false, 0, false],
    ],
  );
  assert.deepEqual(FINAL_SCENARIO.fees, { default: '0.07', fallback: '0.10' });
  assert.equal(FINAL_SCENARIO.official.seconds, 70);
  assert.equal(FINAL_SCENARIO.grossFrom, 'processors');
  assert.deepEqual(
    FINAL_SCENARIO.others.map((w) => w.seconds),
    [360],
  );
});

test('consistency formulas: the sum forgives a payment recorded under the wrong processor, per processor does not', () => {
  const backend = { default: 10, fallback: 5 };
  assert.equal(checkDifference('sum', backend, { default: 10, fallback: 5 }), 0);
  assert.equal(checkDifference('sum', backend, { default: 11, fallback: 4 }), 0);
  assert.equal(checkDifference('per-processor', backend, { default: 11, fallback: 4 }), 2);
  assert.equal(checkDifference('sum', backend, { default: 9, fallback: 5 }), 1);
});
