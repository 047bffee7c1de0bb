// Routing policy: which processor the oldest waiting payment goes to now, or whether it waits.
// Pure: the dispatcher gives it what it knows (health readings, outcomes of real payments, what
// is in flight, the backlog) and the fees; docs/ARCHITECTURE.md states the rule with its numbers.
//
// The economics. A payment earns (1 − fee) × amount once a processor stores it before the run
// ends, nothing while it waits; a processor carries at most its in-flight allowance divided by
// its latency. One inconsistency found by the audit fines 35% of everything, and the audit
// compares counts over [now − 15 s, now − 2 s] by requestedAt: a payment that takes 2 s or more
// to be stored can complete between the moments the audit reads the processor and reads us, and
// count on one side only. So, in order:
//   1. only an audit-safe processor (latency under SAFE_LATENCY_SHARE × the audit lag) takes
//      payments, default first: the fee gap (3 or 10 points on the payments affected) is far
//      smaller than the fine (35 points on all of them) times the chance of a race, and when
//      neither is safe the payments wait for one that is — a final-like run that sent them to
//      the only processor up, default at 5 s, drew 17 inconsistencies in two checks;
//   2. the preferred one takes everything its allowance carries; when it is full, the newest
//      payment waits at most maxWaitMs(fees) for it — the wait whose end-of-run risk equals the
//      fee gap it saves — and beyond that the excess goes to the other processor, if that one is
//      up, safe and has room;
//   3. a down processor (failing health, or refusals in a row) gets a probe every probeEveryMs:
//      a payment it stored already, sent again (an echo: 500 while failing, 422 once up, nothing
//      stored either way), or a waiting payment until it has stored one; while default is down,
//      payments wait maxWaitMs(fees) for its return — counted from the outage's start, so an
//      outage that outlasts the wait sends later payments to fallback at once — then fallback
//      takes them if it is up and safe; when fallback comes back from an outage while default is still
//      marked down, the backlog waits (at most two probe intervals) for default's next probe;
//   4. otherwise the payment waits: no other choice earns more.
// Nothing is held so that its requestedAt lands anywhere: a payment is sent as soon as one of the
// rules above says sending it is the best use of it.

import type { PaymentOutcome } from './outcome.js';

export type ProcessorName = 'default' | 'fallback';
export const PROCESSORS: readonly ProcessorName[] = ['default', 'fallback'];

export interface Health {
  readonly failing: boolean;
  readonly minResponseTimeMs: number;
  /** When it was read (epoch ms). */
  readonly atMs: number;
}

export interface Observed {
  readonly consecutiveNotStored: number;
  readonly lastNotStoredAtMs: number;
  readonly lastStoredAtMs: number;
  /**
   * When the newest stored and the newest refused payments were sent (epoch ms): a processor
   * applies its failure mode as of a request's start, so an answer only speaks for the moment
   * it was sent. A refusal of a payment sent before one that was stored is stale, and so is a
   * stored payment sent before a refusal: neither changes whether the processor is down.
   */
  readonly lastStoredSentAtMs: number;
  readonly lastNotStoredSentAtMs: number;
  /** Exponentially weighted mean latency of stored payments, ms. */
  readonly latencyEwmaMs: number;
  readonly inFlight: number;
  /** When the last payment was sent there (epoch ms): paces the probes of a down processor. */
  readonly lastSentAtMs: number;
  /**
   * When the oldest payment still in flight there was sent (epoch ms, 0 when none): its age is a
   * lower bound of the current latency, known before any slow answer comes back.
   */
  readonly oldestInFlightAtMs: number;
}

/**
 * Since when a processor has been down or up, as the dispatcher saw it flip (epoch ms; 0 = not
 * since anything seen): bounds the wait for a down default, and lets a recovery be compared.
 */
export interface Availability {
  /** When the current outage began; 0 while up. */
  readonly downSinceMs: number;
  /** When it last came back after an outage; 0 when it never was down, or while down. */
  readonly upSinceMs: number;
}

export const ALWAYS_UP: Availability = { downSinceMs: 0, upSinceMs: 0 };

/** The availability after a look at the processor now (pure). */
export function nextAvailability(a: Availability, down: boolean, nowMs: number): Availability {
  if (down) return a.downSinceMs !== 0 ? a : { downSinceMs: nowMs, upSinceMs: 0 };
  return a.downSinceMs === 0 ? a : { downSinceMs: 0, upSinceMs: nowMs };
}

export interface ProcessorState {
  readonly health?: Health;
  readonly observed: Observed;
  /** Absent: nothing known of its history (an outage counts as just begun). */
  readonly availability?: Availability;
  /**
   * The dispatcher can probe this processor with a payment the processor stored already (see
   * mayEchoProbe): then no waiting payment is ever sent there as a probe.
   */
  readonly echoProbe?: boolean;
}

export interface PolicyConfig {
  /**
   * Payments in flight per processor from this instance: its share of the processor's own 800
   * in progress (two instances: 400 each). Beyond 800 the processor queues requests (their
   * latency doubles) and beyond 1,300 it refuses them.
   */
  readonly maxInFlight: Readonly<Record<ProcessorName, number>>;
  /** This many not-stored answers in a row mark a processor down. */
  readonly downAfterConsecutive: number;
  /** While down, one probe payment at most this often. */
  readonly probeEveryMs: number;
  /**
   * …and at most this many in flight: more than the payment timeout holds at one per probe
   * interval, so a processor failing slowly never runs out of probes before its answers return.
   */
  readonly maxProbesInFlight: number;
  /** Health older than this is ignored (the poller reads it every 5 s). */
  readonly healthFreshMs: number;
  /** The audit's lag: it compares requestedAt up to now minus this. */
  readonly auditLagMs: number;
  /** Fee per payment of each processor, as fractions (0.07 = 7%). */
  readonly fees: Readonly<Record<ProcessorName, number>>;
  /**
   * The time scale of the risk that a waiting payment is never processed (the run ends, the
   * instance dies): waiting W costs about W / riskHorizonMs of the payment's net value.
   */
  readonly riskHorizonMs: number;
  /** Overrides maxWaitMs while default is down (`--fallback-after-ms`). */
  readonly fallbackAfterWaitMs?: number;
}

/** A processor is audit-safe while its latency stays under this share of the audit lag. */
export const SAFE_LATENCY_SHARE = 0.75;

export const DEFAULT_POLICY: PolicyConfig = {
  maxInFlight: { default: 400, fallback: 400 },
  downAfterConsecutive: 3,
  probeEveryMs: 250,
  maxProbesInFlight: 32,
  healthFreshMs: 7_000,
  auditLagMs: 2_000,
  fees: { default: 0.05, fallback: 0.15 },
  riskHorizonMs: 10_000,
};

/**
 * How long a payment may wait for default rather than go to fallback now: waiting W saves the fee
 * gap (f − d) and risks about W / horizon of the payment's net (1 − d); they balance at
 * W = horizon × (f − d) / (1 − d). Fees 0.05/0.15 → 1,053 ms; 0.07/0.10 → 323 ms.
 */
export function maxWaitMs(cfg: PolicyConfig): number {
  const gap = Math.max(0, cfg.fees.fallback - cfg.fees.default);
  return Math.round((cfg.riskHorizonMs * gap) / (1 - cfg.fees.default));
}

const EWMA_WEIGHT = 0.2;

export const INITIAL_OBSERVED: Observed = {
  consecutiveNotStored: 0,
  lastNotStoredAtMs: 0,
  lastStoredAtMs: 0,
  lastStoredSentAtMs: 0,
  lastNotStoredSentAtMs: 0,
  latencyEwmaMs: 0,
  inFlight: 0,
  lastSentAtMs: 0,
  oldestInFlightAtMs: 0,
};

/**
 * The state after a payment's outcome on this processor (pure); it was sent latencyMs ago.
 * Seen in the preview at 40 s: probes sent while default was failing at 2 s came back refused
 * after a newer probe had been stored, marked default down again, and sent the backlog that had
 * waited for both processors to fallback.
 */
export function observe(
  o: Observed,
  outcome: PaymentOutcome,
  latencyMs: number,
  nowMs: number,
): Observed {
  const sentAtMs = nowMs - latencyMs;
  if (outcome === 'stored' || outcome === 'already_stored') {
    const ewma =
      o.lastStoredAtMs === 0
        ? latencyMs
        : o.latencyEwmaMs + EWMA_WEIGHT * (latencyMs - o.latencyEwmaMs);
    if (sentAtMs < o.lastNotStoredSentAtMs) return { ...o, latencyEwmaMs: ewma }; // stale
    return {
      ...o,
      consecutiveNotStored: 0,
      lastStoredAtMs: nowMs,
      lastStoredSentAtMs: Math.max(o.lastStoredSentAtMs, sentAtMs),
      latencyEwmaMs: ewma,
    };
  }
  if (outcome === 'not_stored') {
    if (sentAtMs < o.lastStoredSentAtMs) return o; // stale: a later payment was stored
    return {
      ...o,
      consecutiveNotStored: o.consecutiveNotStored + 1,
      lastNotStoredAtMs: nowMs,
      lastNotStoredSentAtMs: Math.max(o.lastNotStoredSentAtMs, sentAtMs),
    };
  }
  return o; // unknown or rejected say nothing about the processor's health
}

function freshHealth(s: ProcessorState, nowMs: number, cfg: PolicyConfig): Health | undefined {
  const h = s.health;
  return h !== undefined && nowMs - h.atMs <= cfg.healthFreshMs ? h : undefined;
}

export function isDown(s: ProcessorState, nowMs: number, cfg: PolicyConfig): boolean {
  const h = freshHealth(s, nowMs, cfg);
  // Whichever is newer wins: a payment stored after a "failing" reading means it recovered; a
  // "healthy" reading after the last refused payment means the refusals are over.
  const healthSaysDown = h !== undefined && h.failing && s.observed.lastStoredAtMs < h.atMs;
  const healthSaysUpSinceRefusals =
    h !== undefined && !h.failing && h.atMs > s.observed.lastNotStoredAtMs;
  const outcomesSayDown =
    s.observed.consecutiveNotStored >= cfg.downAfterConsecutive && !healthSaysUpSinceRefusals;
  return healthSaysDown || outcomesSayDown;
}

/**
 * A processor may take a real payment as a probe (a refusal stores nothing; a slow answer
 * shows whether it got faster): one per probeEveryMs since the last send, a bounded number at
 * once. Paced by sends only, not by refusals: a processor that holds each probe for its delay
 * returns one refusal per probe interval, and a gate on the last refusal then sent nothing new
 * until every old probe was back — seen in a final-like run (seed 2), where default recovered
 * at 210 s and took nothing until its 5-s health reading at 213 s, while 6,210 payments went to
 * fallback. Waiting for the previous probe to come back would blind us as long: seen in another
 * run, where fallback's quick probe won the race after both recovered and took a 13,000-payment
 * backlog that a recovered default could have had.
 */
export function mayProbe(s: ProcessorState, nowMs: number, cfg: PolicyConfig): boolean {
  const o = s.observed;
  return o.inFlight < cfg.maxProbesInFlight && nowMs - o.lastSentAtMs >= cfg.probeEveryMs;
}

/**
 * An echo probe: the correlationId of a payment this processor stored already, sent again. A
 * processor waits its delay, then answers 500 while failing and 422 (already stored) otherwise,
 * storing nothing either way: the answer says whether it is up, and how slow, without holding a
 * client's payment. A payment used as a probe is out for the processor's delay each time, and a
 * refused one goes back to the front of the line, where the next probe slot can take it again:
 * in final-like runs whose last stage had default failing at 500-1000 ms, 2-13 accepted payments
 * were still out as probes when the run ended. Paced as payment probes are.
 */
export function mayEchoProbe(s: ProcessorState, nowMs: number, cfg: PolicyConfig): boolean {
  return s.echoProbe === true && isDown(s, nowMs, cfg) && mayProbe(s, nowMs, cfg);
}

/** A waiting payment may go to a down processor as its probe: only when no echo probe can. */
function mayProbeWithPayment(s: ProcessorState, nowMs: number, cfg: PolicyConfig): boolean {
  return s.echoProbe !== true && mayProbe(s, nowMs, cfg);
}

/**
 * Expected latency: the newer of what the health endpoint promises and what stored payments took
 * (a reading after the last stored payment says what the processor does now — the average of
 * payments it no longer gets would never come down), and at least how long the oldest payment in
 * flight has been out (a processor that just slowed down shows it there first) — unless a payment
 * sent after it was stored already: then it is a leftover of an older stage (a probe sent while
 * the processor failed at 2 s), and says nothing of the latency now.
 */
export function expectedLatencyMs(s: ProcessorState, nowMs: number, cfg: PolicyConfig): number {
  const h = freshHealth(s, nowMs, cfg);
  const o = s.observed;
  const base = h !== undefined && h.atMs > o.lastStoredAtMs ? h.minResponseTimeMs : o.latencyEwmaMs;
  const current = o.oldestInFlightAtMs > 0 && o.oldestInFlightAtMs >= o.lastStoredSentAtMs;
  const inFlightAge = o.inFlight > 0 && current ? nowMs - o.oldestInFlightAtMs : 0;
  return Math.max(base, inFlightAge);
}

export function isAuditSafe(s: ProcessorState, nowMs: number, cfg: PolicyConfig): boolean {
  return expectedLatencyMs(s, nowMs, cfg) < SAFE_LATENCY_SHARE * cfg.auditLagMs;
}

/** Payments per millisecond the processor completes for this instance at full allowance. */
export function capacityPerMs(
  s: ProcessorState,
  name: ProcessorName,
  nowMs: number,
  cfg: PolicyConfig,
): number {
  return cfg.maxInFlight[name] / Math.max(1, expectedLatencyMs(s, nowMs, cfg));
}

/**
 * How long the oldest payment may wait for a down default: the fee-derived wait, but none once
 * the outage itself has lasted that long. A return within maxWait is what the wait buys; an
 * outage that has outlasted it is a stage (seen: 10-30 s), and making every later payment wait
 * too only leaves the last arrivals unprocessed when the run ends (42 in one final-like run).
 * A wait set by the operator (`--fallback-after-ms`) is kept for every payment, as asked.
 */
export function outageWait(d: ProcessorState, nowMs: number, cfg: PolicyConfig): number {
  if (cfg.fallbackAfterWaitMs !== undefined) return cfg.fallbackAfterWaitMs;
  const wait = maxWaitMs(cfg);
  const since = d.availability?.downSinceMs ?? 0;
  const outageAge = since === 0 ? 0 : nowMs - since;
  return outageAge >= wait ? 0 : wait;
}

/** Fallback came back this recently after an outage: default gets this long to show it did too. */
export function recoveryGraceMs(cfg: PolicyConfig): number {
  return 2 * cfg.probeEveryMs;
}

/**
 * Fallback has just come back while default is still marked down: if both recovered together (a
 * stage switch changes both), the backlog that waited for them belongs on default, which only
 * needs its next probe to show it. Wait for that answer, a short bounded grace at most: a refusal
 * of a payment sent to default after fallback's return ends it. Seen in the preview at 40 s: 4,157 payments went
 * to fallback, 1,334 to default, both back within the same probe interval.
 */
export function defaultMayBeBackToo(
  st: Readonly<Record<ProcessorName, ProcessorState>>,
  nowMs: number,
  cfg: PolicyConfig,
): boolean {
  const back = st.fallback.availability?.upSinceMs ?? 0;
  if (back === 0 || nowMs - back >= recoveryGraceMs(cfg)) return false;
  return st.default.observed.lastNotStoredSentAtMs < back;
}

export type Route = ProcessorName | 'hold';

/** What the dispatcher knows of its own line of waiting payments. */
export interface Backlog {
  /** How long the oldest waiting payment has waited. */
  readonly oldestWaitMs: number;
  /** How many are waiting. */
  readonly length: number;
}

const other = (p: ProcessorName): ProcessorName => (p === 'default' ? 'fallback' : 'default');

/** Where the oldest waiting payment should go now. */
export function route(
  nowMs: number,
  backlog: Backlog,
  st: Readonly<Record<ProcessorName, ProcessorState>>,
  cfg: PolicyConfig = DEFAULT_POLICY,
): Route {
  const down = (p: ProcessorName) => isDown(st[p], nowMs, cfg);
  const room = (p: ProcessorName) => st[p].observed.inFlight < cfg.maxInFlight[p];
  const safe = (p: ProcessorName) => isAuditSafe(st[p], nowMs, cfg);
  const usable = (p: ProcessorName) => !down(p) && room(p);

  if (down('default')) {
    if (mayProbeWithPayment(st.default, nowMs, cfg)) return 'default';
    if (backlog.oldestWaitMs < outageWait(st.default, nowMs, cfg)) return 'hold';
    if (down('fallback')) return mayProbeWithPayment(st.fallback, nowMs, cfg) ? 'fallback' : 'hold';
    if (defaultMayBeBackToo(st, nowMs, cfg)) return 'hold';
    return room('fallback') && safe('fallback') ? 'fallback' : 'hold';
  }
  // Default is up. Rule 1: only an audit-safe processor takes payments, default first. A full
  // safe one is still preferred: its payments wait (rule 2) rather than go slow.
  const first: ProcessorName | undefined = safe('default')
    ? 'default'
    : !down('fallback') && safe('fallback')
      ? 'fallback'
      : undefined;
  if (first === undefined) {
    // Neither is safe: the payments wait for one that is (the health readings say when).
    if (down('fallback') && mayProbeWithPayment(st.fallback, nowMs, cfg)) return 'fallback';
    return 'hold';
  }
  if (room(first)) return first;
  // Rule 2: `first` is full. The newest payment would wait backlog / capacity for it.
  const expectedWaitMs = backlog.length / capacityPerMs(st[first], first, nowMs, cfg);
  const second = other(first);
  if (expectedWaitMs > maxWaitMs(cfg) && usable(second) && safe(second)) return second;
  return 'hold';
}
