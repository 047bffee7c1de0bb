// The routing policy as a table: every processor condition × backlog, under both fee pairs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_POLICY,
  expectedLatencyMs,
  INITIAL_OBSERVED,
  isAuditSafe,
  isDown,
  mayEchoProbe,
  maxWaitMs,
  nextAvailability,
  ALWAYS_UP,
  observe,
  recoveryGraceMs,
  route,
  type Observed,
  type PolicyConfig,
  type ProcessorState,
} from '../../src/payments/core/policy.js';
import { DEFAULT_PAYMENT_TIMEOUT_MS } from '../../src/payments/processors/client.js';

const NOW = 1_750_000_000_000;
const PREVIEW: PolicyConfig = { ...DEFAULT_POLICY, fees: { default: 0.05, fallback: 0.15 } };
const FINAL: PolicyConfig = { ...DEFAULT_POLICY, fees: { default: 0.07, fallback: 0.1 } };
const st = (o: Partial<Observed> = {}, health?: ProcessorState['health']): ProcessorState => ({
  observed: { ...INITIAL_OBSERVED, ...o },
  ...(health ? { health } : {}),
});
const reading = (minResponseTimeMs: number, failing = false, ageMs = 100) => ({
  failing,
  minResponseTimeMs,
  atMs: NOW - ageMs,
});
const up = st();
const fast = st({ latencyEwmaMs: 2, lastStoredAtMs: NOW - 5 });
const slow = (ms: number) => st({ latencyEwmaMs: ms, lastStoredAtMs: NOW - 5 });
const full = (o: ProcessorState, cfg: PolicyConfig, name: 'default' | 'fallback') => ({
  ...o,
  observed: {
    ...o.observed,
    inFlight: cfg.maxInFlight[name],
    oldestInFlightAtMs: NOW - o.observed.latencyEwmaMs,
  },
});
// Down, and probed just now (a fast refusal: sent and refused 10 ms ago), so no probe is due.
const downByOutcomes = st({
  consecutiveNotStored: 3,
  lastNotStoredAtMs: NOW - 10,
  lastSentAtMs: NOW - 10,
});
const downByHealth = st({ lastNotStoredAtMs: NOW - 10, lastSentAtMs: NOW - 10 }, reading(0, true));

test('the wait for default comes from the fees: the fee gap against the end-of-run risk', () => {
  assert.equal(maxWaitMs(PREVIEW), 1053, '0.05/0.15: 10 points of gap buy about a second');
  assert.equal(maxWaitMs(FINAL), 323, '0.07/0.10: 3 points buy a third of a second');
  assert.equal(
    maxWaitMs({ ...FINAL, fees: { default: 0.1, fallback: 0.1 } }),
    0,
    'no gap, no wait',
  );
});

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
  assert.equal(observe(o, 'already_stored', 1, NOW + 5).consecutiveNotStored, 0);
});

test('observe: an answer speaks for when its payment was sent; older than the other kind, it is stale', () => {
  // Default failing at 2 s until NOW: a probe sent at NOW is stored at NOW + 20, then the
  // refusals of the probes sent before NOW come back.
  let o = observe(INITIAL_OBSERVED, 'not_stored', 2000, NOW - 500);
  o = observe(o, 'stored', 20, NOW + 20);
  const up = o;
  for (let i = 1; i <= 5; i++) o = observe(o, 'not_stored', 2000, NOW + 20 + i * 100);
  assert.deepEqual(o, up, 'refusals of payments sent before the stored one change nothing');
  assert.equal(isDown({ observed: o }, NOW + 600, FINAL), false);
  // The other way: failing from NOW; a payment sent before it is stored after three refusals.
  let f = observe(INITIAL_OBSERVED, 'stored', 10, NOW - 1000);
  for (let i = 1; i <= 3; i++) f = observe(f, 'not_stored', 1, NOW + i);
  f = observe(f, 'stored', 2000, NOW + 100);
  assert.equal(f.consecutiveNotStored, 3, 'a stale stored payment does not end an outage');
  assert.equal(f.latencyEwmaMs > 10, true, 'its latency still counts');
  assert.equal(isDown({ observed: f }, NOW + 101, FINAL), true);
});

test('down: by fresh failing health (unless a payment was stored since), or by refusals in a row', () => {
  const cfg = FINAL;
  assert.equal(isDown(up, NOW, cfg), false);
  assert.equal(isDown(st({}, reading(0, true, 1000)), NOW, cfg), true);
  assert.equal(
    isDown(st({}, reading(0, true, 60_000)), NOW, cfg),
    false,
    'stale health is ignored',
  );
  assert.equal(
    isDown(st({ lastStoredAtMs: NOW - 10 }, reading(0, true, 1000)), NOW, cfg),
    false,
    'a stored payment after the reading wins',
  );
  assert.equal(isDown(downByOutcomes, NOW, cfg), true);
  assert.equal(isDown(st({ consecutiveNotStored: 2 }), NOW, cfg), false);
  assert.equal(
    isDown(
      st({ consecutiveNotStored: 9, lastNotStoredAtMs: NOW - 3000 }, reading(0, false, 1000)),
      NOW,
      cfg,
    ),
    false,
    'a healthy reading after the refusals: up again',
  );
  assert.equal(
    isDown(
      st({ consecutiveNotStored: 9, lastNotStoredAtMs: NOW - 500 }, reading(0, false, 1000)),
      NOW,
      cfg,
    ),
    true,
    'refusals after the reading: still down',
  );
});

test('latency: the newer of health and stored payments, at least the age of the oldest in flight; audit-safe below 1.5 s', () => {
  const cfg = FINAL;
  assert.equal(
    expectedLatencyMs(
      st({ latencyEwmaMs: 2000, lastStoredAtMs: NOW - 9000 }, reading(100, false, 1000)),
      NOW,
      cfg,
    ),
    100,
    'a reading newer than the payments says it got faster',
  );
  assert.equal(
    expectedLatencyMs(
      st({ latencyEwmaMs: 90, lastStoredAtMs: NOW - 10 }, reading(2000, false, 1000)),
      NOW,
      cfg,
    ),
    90,
    'payments stored since the reading say what it does',
  );
  assert.equal(
    expectedLatencyMs(
      st({
        latencyEwmaMs: 100,
        lastStoredAtMs: NOW - 10,
        inFlight: 3,
        oldestInFlightAtMs: NOW - 1800,
      }),
      NOW,
      cfg,
    ),
    1800,
    'a payment out for 1.8 s: it slowed down',
  );
  assert.equal(
    expectedLatencyMs(
      st({
        latencyEwmaMs: 20,
        lastStoredAtMs: NOW - 10,
        lastStoredSentAtMs: NOW - 30,
        inFlight: 3,
        oldestInFlightAtMs: NOW - 1800,
      }),
      NOW,
      cfg,
    ),
    20,
    'out for 1.8 s, but a payment sent after it came back: a leftover of an older stage',
  );
  assert.equal(isAuditSafe(slow(1000), NOW, cfg), true);
  assert.equal(isAuditSafe(slow(1499), NOW, cfg), true);
  assert.equal(isAuditSafe(slow(1500), NOW, cfg), false);
  assert.equal(isAuditSafe(slow(2000), NOW, cfg), false);
});

test('probes of a down processor, paced by time and bounded in number', () => {
  const cfg = FINAL;
  const probing = st({ consecutiveNotStored: 5, lastNotStoredAtMs: NOW - 1000 });
  const probeJustSent = st({
    consecutiveNotStored: 5,
    lastNotStoredAtMs: NOW - 1000,
    inFlight: 1,
    lastSentAtMs: NOW - 10,
  });
  const slowProbeOut = st({
    consecutiveNotStored: 5,
    lastNotStoredAtMs: NOW - 6000,
    inFlight: 1,
    lastSentAtMs: NOW - cfg.probeEveryMs,
  });
  const atCap = st({
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
  const b = { oldestWaitMs: 0, length: 1 };
  assert.equal(
    route(NOW, b, { default: probing, fallback: up }, cfg),
    'default',
    'down long enough: probe it',
  );
  assert.equal(route(NOW, b, { default: probeJustSent, fallback: up }, cfg), 'hold');
  assert.equal(
    route(NOW, b, { default: slowProbeOut, fallback: up }, cfg),
    'default',
    'a slow probe out for a period: another',
  );
  assert.equal(route(NOW, b, { default: atCap, fallback: up }, cfg), 'hold');
  assert.equal(
    route(NOW, b, { default: justRefused, fallback: up }, cfg),
    'default',
    'a refusal of an old probe does not pace the next one: only sends do',
  );
  // A processor failing slowly holds each probe for its delay, and its refusals come back one per
  // probe interval: the probes must keep going out all the same, up to the payment timeout.
  assert.ok(
    cfg.maxProbesInFlight > DEFAULT_PAYMENT_TIMEOUT_MS / cfg.probeEveryMs,
    'the cap outlasts a payment timeout of probes',
  );
  let o: Observed = { ...INITIAL_OBSERVED, consecutiveNotStored: 3, lastNotStoredAtMs: NOW - 1 };
  const sent: number[] = [];
  const out: number[] = [];
  const delayMs = 5_000;
  for (let t = NOW; t < NOW + 10_000; t += 10) {
    while (out.length > 0 && out[0]! + delayMs <= t) {
      out.shift();
      o = observe({ ...o, inFlight: o.inFlight - 1 }, 'not_stored', delayMs, t);
    }
    if (route(t, b, { default: st(o), fallback: up }, cfg) === 'default') {
      sent.push(t);
      out.push(t);
      o = { ...o, inFlight: o.inFlight + 1, lastSentAtMs: t };
    }
  }
  const gaps = sent.slice(1).map((t, i) => t - sent[i]!);
  assert.ok(sent.length >= 39, `probes over 10 s: ${sent.length}`);
  assert.ok(Math.max(...gaps) <= cfg.probeEveryMs + 10, `longest gap ${Math.max(...gaps)} ms`);
});

test('echo probes: a down processor that stored a payment already is probed with it, never with a waiting one', () => {
  for (const cfg of [PREVIEW, FINAL]) {
    const probing = st({ consecutiveNotStored: 5, lastNotStoredAtMs: NOW - 1000 });
    const echoing: ProcessorState = { ...probing, echoProbe: true };
    const b = { oldestWaitMs: 0, length: 1 };
    assert.equal(mayEchoProbe(echoing, NOW, cfg), true, 'down and due: echo');
    assert.equal(mayEchoProbe(probing, NOW, cfg), false, 'nothing stored there yet: no echo');
    assert.equal(
      mayEchoProbe({ ...fast, echoProbe: true }, NOW, cfg),
      false,
      'up: no probe at all',
    );
    assert.equal(
      mayEchoProbe(
        { ...echoing, observed: { ...echoing.observed, lastSentAtMs: NOW - 10 } },
        NOW,
        cfg,
      ),
      false,
      'paced as payment probes are',
    );
    assert.equal(route(NOW, b, { default: probing, fallback: up }, cfg), 'default');
    assert.equal(
      route(NOW, b, { default: echoing, fallback: up }, cfg),
      'hold',
      'the payment waits for the echo (the outage has just begun)',
    );
    const longOutage: ProcessorState = {
      ...echoing,
      availability: { downSinceMs: NOW - 10 * maxWaitMs(cfg) - 1, upSinceMs: 0 },
    };
    assert.equal(
      route(NOW, { oldestWaitMs: 0, length: 1 }, { default: longOutage, fallback: fast }, cfg),
      'fallback',
      'an old outage: straight to fallback, none held at default as a probe',
    );
    // Both down: fallback is echo-probed too, never handed the payment as a probe.
    const fbEchoing: ProcessorState = { ...probing, echoProbe: true };
    assert.equal(route(NOW, b, { default: longOutage, fallback: fbEchoing }, cfg), 'hold');
    assert.equal(route(NOW, b, { default: longOutage, fallback: probing }, cfg), 'fallback');
  }
});

// Every processor condition × the backlog, under both fee pairs. Capacity at 400 in flight per
// instance: default at 100 ms carries 4 payments/ms, at 1 s 0.4/ms, at 2 s 0.2/ms.
for (const [fees, cfg] of [
  ['0.05/0.15', PREVIEW],
  ['0.07/0.10', FINAL],
] as const) {
  test(`route under fees ${fees}: the table of conditions`, () => {
    const w = maxWaitMs(cfg);
    const justUnder = (perMs: number) => ({ oldestWaitMs: 0, length: Math.floor(perMs * w * 0.9) });
    const over = (perMs: number) => ({ oldestWaitMs: 0, length: Math.ceil(perMs * w * 1.2) + 1 });
    const rows: [
      string,
      ProcessorState,
      ProcessorState,
      { oldestWaitMs: number; length: number },
      string,
    ][] = [
      ['both healthy and fast', fast, fast, { oldestWaitMs: 0, length: 1 }, 'default'],
      [
        'both healthy, a long backlog: default while it has room',
        fast,
        fast,
        { oldestWaitMs: 60_000, length: 40_000 },
        'default',
      ],
      [
        'default slow (1 s, audit-safe) still works',
        slow(1000),
        fast,
        { oldestWaitMs: 0, length: 1 },
        'default',
      ],
      [
        'default full at 1 s, backlog it drains in time: wait',
        full(slow(1000), cfg, 'default'),
        fast,
        justUnder(0.4),
        'hold',
      ],
      [
        'default full at 1 s, backlog beyond the wait: overflow to a fast fallback',
        full(slow(1000), cfg, 'default'),
        fast,
        over(0.4),
        'fallback',
      ],
      [
        'default full, fallback full too: wait',
        full(slow(1000), cfg, 'default'),
        full(fast, cfg, 'fallback'),
        over(0.4),
        'hold',
      ],
      [
        'default full, fallback down: wait',
        full(slow(1000), cfg, 'default'),
        downByOutcomes,
        over(0.4),
        'hold',
      ],
      [
        'default full at 1 s, fallback slow (5 s, not audit-safe): wait for the safe one',
        full(slow(1000), cfg, 'default'),
        slow(5000),
        over(0.4),
        'hold',
      ],
      [
        "default 2 s (not audit-safe), fallback fast: fallback (the final's last stage)",
        slow(2000),
        fast,
        { oldestWaitMs: 0, length: 1 },
        'fallback',
      ],
      [
        'default 2 s by health, fallback fast: fallback at once',
        st({}, reading(2000)),
        fast,
        { oldestWaitMs: 0, length: 1 },
        'fallback',
      ],
      [
        'default 2 s, fallback 1 s: fallback (safe)',
        slow(2000),
        slow(1000),
        { oldestWaitMs: 0, length: 1 },
        'fallback',
      ],
      [
        'default 2 s, fallback safe but full: wait for it, never the unsafe one',
        slow(2000),
        full(fast, cfg, 'fallback'),
        over(4),
        'hold',
      ],
      [
        'default 2 s, fallback down: hold (neither is audit-safe)',
        slow(2000),
        downByOutcomes,
        { oldestWaitMs: 0, length: 1 },
        'hold',
      ],
      [
        'default 5 s, fallback 5 s: hold (neither is safe)',
        slow(5000),
        slow(5000),
        { oldestWaitMs: 0, length: 1 },
        'hold',
      ],
      [
        'default 5 s full, fallback 5 s, backlog beyond the wait: hold (neither is safe)',
        full(slow(5000), cfg, 'default'),
        slow(5000),
        over(0.08),
        'hold',
      ],
      [
        'default down, short wait: hold for its return',
        downByOutcomes,
        fast,
        { oldestWaitMs: 10, length: 5 },
        'hold',
      ],
      [
        'default down, waited the fee-derived time: fallback',
        downByOutcomes,
        fast,
        { oldestWaitMs: w, length: 5 },
        'fallback',
      ],
      [
        'default down by health, waited: fallback',
        downByHealth,
        fast,
        { oldestWaitMs: w, length: 5 },
        'fallback',
      ],
      [
        'default down, waited, fallback slow (1 s): fallback',
        downByOutcomes,
        slow(1000),
        { oldestWaitMs: w, length: 5 },
        'fallback',
      ],
      [
        'default down, waited, fallback 5 s: hold (the only one working is not safe)',
        downByOutcomes,
        slow(5000),
        { oldestWaitMs: w, length: 5 },
        'hold',
      ],
      [
        'default down, waited, fallback full: hold',
        downByOutcomes,
        full(fast, cfg, 'fallback'),
        { oldestWaitMs: w, length: 5 },
        'hold',
      ],
      [
        'default 5 s, fallback down long enough: probe fallback (a refusal stores nothing)',
        slow(5000),
        st({ consecutiveNotStored: 5, lastNotStoredAtMs: NOW - 1000 }),
        { oldestWaitMs: 60_000, length: 5 },
        'fallback',
      ],
      [
        'both down: hold (probes aside)',
        downByOutcomes,
        downByOutcomes,
        { oldestWaitMs: 60_000, length: 5 },
        'hold',
      ],
      [
        'both down, fallback down long enough: probe fallback',
        downByOutcomes,
        st({ consecutiveNotStored: 5, lastNotStoredAtMs: NOW - 1000 }),
        { oldestWaitMs: 60_000, length: 5 },
        'fallback',
      ],
    ];
    // The outage's own age (the dispatcher notes when default went down, fallback came back).
    const since = (o: ProcessorState, downSinceMs: number, upSinceMs = 0): ProcessorState => ({
      ...o,
      availability: { downSinceMs, upSinceMs },
    });
    const back = (o: ProcessorState, ago: number): ProcessorState => since(o, 0, NOW - ago);
    const g = recoveryGraceMs(cfg);
    rows.push(
      [
        'default down for less than the wait, a new payment: hold',
        since(downByOutcomes, NOW - Math.floor(w / 2)),
        fast,
        { oldestWaitMs: 0, length: 1 },
        'hold',
      ],
      [
        'default down for longer than the wait: a new payment goes to fallback at once',
        since(downByOutcomes, NOW - w),
        fast,
        { oldestWaitMs: 0, length: 1 },
        'fallback',
      ],
      [
        'default down long, fallback full: hold',
        since(downByOutcomes, NOW - 60_000),
        full(fast, cfg, 'fallback'),
        { oldestWaitMs: 0, length: 1 },
        'hold',
      ],
      [
        'both down long: hold, even for a new payment (probes aside)',
        since(downByOutcomes, NOW - 60_000),
        since(downByOutcomes, NOW - 60_000),
        { oldestWaitMs: 0, length: 1 },
        'hold',
      ],
      [
        "default down long, fallback just back: hold for default's next probe",
        since(downByOutcomes, NOW - 60_000),
        back(fast, 1),
        { oldestWaitMs: 60_000, length: 5_000 },
        'hold',
      ],
      [
        'default down long, fallback back for the whole grace: fallback',
        since(downByOutcomes, NOW - 60_000),
        back(fast, g),
        { oldestWaitMs: 60_000, length: 5_000 },
        'fallback',
      ],
      [
        'default down long, fallback just back, default refused a payment sent since: fallback',
        since(
          st({
            consecutiveNotStored: 9,
            lastNotStoredAtMs: NOW - 5,
            lastNotStoredSentAtMs: NOW - 25,
            lastSentAtMs: NOW - 25,
          }),
          NOW - 60_000,
        ),
        back(fast, 50),
        { oldestWaitMs: 60_000, length: 5_000 },
        'fallback',
      ],
      [
        'default down long, fallback just back, a refusal of a probe sent before: still hold',
        since(
          st({
            consecutiveNotStored: 9,
            lastNotStoredAtMs: NOW - 5,
            lastNotStoredSentAtMs: NOW - 2005,
            lastSentAtMs: NOW - 100,
          }),
          NOW - 60_000,
        ),
        back(fast, 50),
        { oldestWaitMs: 60_000, length: 5_000 },
        'hold',
      ],
      [
        'both back together: default (its probe was stored)',
        back(fast, 5),
        back(fast, 20),
        { oldestWaitMs: 60_000, length: 5_000 },
        'default',
      ],
    );
    for (const [name, d, f, backlog, expected] of rows)
      assert.equal(route(NOW, backlog, { default: d, fallback: f }, cfg), expected, name);
  });
}

test('the wait before fallback while default is down: derived from the fees, or set', () => {
  const b = (oldestWaitMs: number) => ({ oldestWaitMs, length: 1 });
  assert.equal(
    route(NOW, b(400), { default: downByOutcomes, fallback: fast }, PREVIEW),
    'hold',
    '0.05/0.15 waits about a second',
  );
  assert.equal(
    route(NOW, b(400), { default: downByOutcomes, fallback: fast }, FINAL),
    'fallback',
    '0.07/0.10 a third',
  );
  assert.equal(
    route(
      NOW,
      b(400),
      { default: downByOutcomes, fallback: fast },
      { ...PREVIEW, fallbackAfterWaitMs: 300 },
    ),
    'fallback',
  );
});

test('availability: the outage starts when first seen down and ends when first seen up', () => {
  const a1 = nextAvailability(ALWAYS_UP, false, NOW);
  assert.equal(a1, ALWAYS_UP, 'up and never down: unchanged (no allocation per pump)');
  const a2 = nextAvailability(a1, true, NOW + 10);
  assert.deepEqual(a2, { downSinceMs: NOW + 10, upSinceMs: 0 });
  assert.equal(nextAvailability(a2, true, NOW + 500), a2, 'still down: the start stays');
  const a3 = nextAvailability(a2, false, NOW + 900);
  assert.deepEqual(a3, { downSinceMs: 0, upSinceMs: NOW + 900 });
  assert.equal(nextAvailability(a3, false, NOW + 5_000), a3, 'still up: the return stays');
});

test('an operator-set wait applies to every payment, however long the outage', () => {
  const d: ProcessorState = {
    ...downByOutcomes,
    availability: { downSinceMs: NOW - 60_000, upSinceMs: 0 },
  };
  const cfg = { ...PREVIEW, fallbackAfterWaitMs: 8_000 };
  assert.equal(
    route(NOW, { oldestWaitMs: 100, length: 1 }, { default: d, fallback: fast }, cfg),
    'hold',
  );
  assert.equal(
    route(NOW, { oldestWaitMs: 8_000, length: 1 }, { default: d, fallback: fast }, cfg),
    'fallback',
  );
});
