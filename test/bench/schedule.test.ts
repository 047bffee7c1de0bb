import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
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
