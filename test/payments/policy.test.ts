import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_POLICY as cfg,
  INITIAL_OBSERVED,
  isDown,
  observe,
  route,
  type Observed,
  type ProcessorState,
} from '../../src/payments/core/policy.js';

const NOW = 1_750_000_000_000;
const up: ProcessorState = { observed: INITIAL_OBSERVED };
const st = (o: Partial<Observed> = {}, health?: ProcessorState['health']): ProcessorState => ({
  observed: { ...INITIAL_OBSERVED, ...o },
  ...(health ? { health } : {}),
});
const failingHealth = { failing: true, minResponseTimeMs: 0, atMs: NOW - 1000 };
const downByOutcomes = st({ consecutiveNotStored: 3, lastNotStoredAtMs: NOW - 10 });

test('observe: stored resets failures and feeds the latency average; not-stored counts up; unknown changes nothing', () => {
  let o = observe(INITIAL_OBSERVED, 'stored', 100, NOW);
  assert.deepEqual([o.consecutiveNotStored, o.latencyEwmaMs, o.lastStoredAtMs], [0, 100, NOW]);
  o = observe(o, 'stored', 200, NOW + 1);
  assert.equal(o.latencyEwmaMs, 120);
  o = observe(o, 'not_stored', 5, NOW + 2);
  o = observe(o, 'not_stored', 5, NOW + 3);
  assert.equal(o.consecutiveNotStored, 2);
  assert.deepEqual(observe(o, 'unknown', 5000, NOW + 4), o);
  assert.deepEqual(observe(o, 'rejected', 1, NOW + 4), o);
  assert.equal(observe(o, 'already_stored', 100, NOW + 5).consecutiveNotStored, 0);
});

test('down: by fresh failing health (unless a payment was stored since), or by consecutive not-stored answers', () => {
  assert.equal(isDown(up, NOW, cfg), false);
  assert.equal(isDown(st({}, failingHealth), NOW, cfg), true);
  assert.equal(
    isDown(st({}, { ...failingHealth, atMs: NOW - 60_000 }), NOW, cfg),
    false,
    'stale health is ignored',
  );
  assert.equal(
    isDown(st({ lastStoredAtMs: NOW - 10 }, failingHealth), NOW, cfg),
    false,
    'a stored payment after the reading wins',
  );
  assert.equal(isDown(downByOutcomes, NOW, cfg), true);
  assert.equal(isDown(st({ consecutiveNotStored: 2 }), NOW, cfg), false);
  assert.equal(
    isDown(
      st(
        { consecutiveNotStored: 9, lastNotStoredAtMs: NOW - 3000 },
        { failing: false, minResponseTimeMs: 0, atMs: NOW - 1000 },
      ),
      NOW,
      cfg,
    ),
    false,
    'a healthy reading after the refusals: up again',
  );
  assert.equal(
    isDown(
      st(
        { consecutiveNotStored: 9, lastNotStoredAtMs: NOW - 500 },
        { failing: false, minResponseTimeMs: 0, atMs: NOW - 1000 },
      ),
      NOW,
      cfg,
    ),
    true,
    'refusals after the reading: still down',
  );
});

// Every processor condition × the oldest payment's wait.
test('route: table of processor conditions', () => {
  const slowDefault = st(
    { latencyEwmaMs: 5000 },
    { failing: false, minResponseTimeMs: 5000, atMs: NOW - 100 },
  );
  const slowFallback = st(
    { latencyEwmaMs: 1000 },
    { failing: false, minResponseTimeMs: 1000, atMs: NOW - 100 },
  );
  const probing = st({ consecutiveNotStored: 5, lastNotStoredAtMs: NOW - 1000 });
  const probeInFlight = st({
    consecutiveNotStored: 5,
    lastNotStoredAtMs: NOW - 1000,
    inFlight: 1,
    lastSentAtMs: NOW - 10,
  });
  const slowProbeInFlight = st({
    consecutiveNotStored: 5,
    lastNotStoredAtMs: NOW - 6000,
    inFlight: 1,
    lastSentAtMs: NOW - cfg.probeEveryMs,
  });
  const probesAtTheirCap = st({
    consecutiveNotStored: 5,
    lastNotStoredAtMs: NOW - 6000,
    inFlight: cfg.maxProbesInFlight,
    lastSentAtMs: NOW - 1000,
  });
  const justRefused = st({
    consecutiveNotStored: 5,
    lastNotStoredAtMs: NOW - 10,
    inFlight: 1,
    lastSentAtMs: NOW - 1000,
  });
  const fullDefault = st({ inFlight: cfg.maxInFlight.default });
  const rows: [string, ProcessorState, ProcessorState, number, string][] = [
    ['both healthy', up, up, 0, 'default'],
    ['both healthy, long wait', up, up, 60_000, 'default'],
    ['default slow (5 s) still works', slowDefault, up, 60_000, 'default'],
    ['default saturated, fallback fine', fullDefault, up, 60_000, 'hold'],
    ['default down, short wait: hold', downByOutcomes, up, 100, 'hold'],
    [
      'default down, long wait, fallback fast: fallback',
      downByOutcomes,
      up,
      cfg.fallbackAfterWaitMs,
      'fallback',
    ],
    ['default down, long wait, fallback slow: hold', downByOutcomes, slowFallback, 60_000, 'hold'],
    ['both down: hold', downByOutcomes, downByOutcomes, 60_000, 'hold'],
    [
      'default down, fallback down long enough: probe fallback',
      downByOutcomes,
      probing,
      60_000,
      'fallback',
    ],
    ['default down, fallback probe in flight: hold', downByOutcomes, probeInFlight, 60_000, 'hold'],
    [
      'default down by health, fallback fine, long wait',
      st({ lastNotStoredAtMs: NOW - 10 }, failingHealth),
      up,
      60_000,
      'fallback',
    ],
    ['default down long enough: probe it', probing, up, 0, 'default'],
    ['probe sent just now: no second probe yet', probeInFlight, up, 0, 'hold'],
    [
      'a slow probe still out after the probe period: another probe',
      slowProbeInFlight,
      up,
      0,
      'default',
    ],
    ['probes in flight at their cap: hold', probesAtTheirCap, up, 0, 'hold'],
    ['a refusal just now: the next probe waits', justRefused, up, 0, 'hold'],
    [
      "default down, fallback's slow probe out long enough: probe fallback again",
      downByOutcomes,
      slowProbeInFlight,
      60_000,
      'fallback',
    ],
  ];
  for (const [name, d, f, wait, expected] of rows)
    assert.equal(route(NOW, wait, { default: d, fallback: f }, cfg), expected, name);
});
