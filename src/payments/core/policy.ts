// Routing policy: which processor a payment goes to now, or whether it waits.
//
// The economics: default keeps 95% of an amount, fallback 85%; a payment processed late earns as
// much as one processed early, one still queued at the end earns nothing, and a slow processor
// still works (throughput = concurrency / delay). So:
//   1. default whenever it is up and has a free slot, however slow it is;
//   2. while default is down, a real payment probes it every probeEveryMs (a 500 stores nothing,
//      so a probe is free) — it is back as soon as one is stored; a probe held by a slow failing
//      processor (its delay applies before its 500) does not stop the next one;
//   3. fallback only for payments that have waited long enough that holding them longer risks
//      more than the 10 points fallback costs (a payment still held when the run ends earns
//      nothing), and only while fallback is up and fast — or as its probe when it is down;
//   4. otherwise hold.
// State comes from the health endpoint (when fresh) AND from the outcomes of real payments.

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
  /** Exponentially weighted mean latency of stored payments, ms. */
  readonly latencyEwmaMs: number;
  readonly inFlight: number;
  /** When the last payment was sent there (epoch ms): paces the probes of a down processor. */
  readonly lastSentAtMs: number;
}

export interface ProcessorState {
  readonly health?: Health;
  readonly observed: Observed;
}

export interface PolicyConfig {
  /** Most payments in flight per processor (the processor itself queues beyond 800). */
  readonly maxInFlight: Readonly<Record<ProcessorName, number>>;
  /** This many not-stored answers in a row mark a processor down. */
  readonly downAfterConsecutive: number;
  /** While down, one probe payment at most this often. */
  readonly probeEveryMs: number;
  /** …and at most this many in flight (a failing processor 5 s slow holds each probe 5 s). */
  readonly maxProbesInFlight: number;
  /** Health older than this is ignored (the poller reads it every 5 s). */
  readonly healthFreshMs: number;
  /** Fallback only takes payments that have waited at least this long. */
  readonly fallbackAfterWaitMs: number;
  /** …and only while it answers faster than this. */
  readonly fallbackMaxLatencyMs: number;
}

export const DEFAULT_POLICY: PolicyConfig = {
  maxInFlight: { default: 512, fallback: 128 },
  downAfterConsecutive: 3,
  probeEveryMs: 250,
  maxProbesInFlight: 20,
  healthFreshMs: 7_000,
  fallbackAfterWaitMs: 300,
  fallbackMaxLatencyMs: 250,
};

const EWMA_WEIGHT = 0.2;

export const INITIAL_OBSERVED: Observed = {
  consecutiveNotStored: 0,
  lastNotStoredAtMs: 0,
  lastStoredAtMs: 0,
  latencyEwmaMs: 0,
  inFlight: 0,
  lastSentAtMs: 0,
};

/** The state after a payment's outcome on this processor (pure). */
export function observe(
  o: Observed,
  outcome: PaymentOutcome,
  latencyMs: number,
  nowMs: number,
): Observed {
  if (outcome === 'stored' || outcome === 'already_stored') {
    const ewma =
      o.lastStoredAtMs === 0
        ? latencyMs
        : o.latencyEwmaMs + EWMA_WEIGHT * (latencyMs - o.latencyEwmaMs);
    return { ...o, consecutiveNotStored: 0, lastStoredAtMs: nowMs, latencyEwmaMs: ewma };
  }
  if (outcome === 'not_stored')
    return { ...o, consecutiveNotStored: o.consecutiveNotStored + 1, lastNotStoredAtMs: nowMs };
  return o; // unknown or rejected say nothing about the processor's health
}

export function isDown(s: ProcessorState, nowMs: number, cfg: PolicyConfig): boolean {
  const h = s.health;
  const fresh = h !== undefined && nowMs - h.atMs <= cfg.healthFreshMs;
  // Whichever is newer wins: a payment stored after a "failing" reading means it recovered; a
  // "healthy" reading after the last refused payment means the refusals are over.
  const healthSaysDown = fresh && h.failing && s.observed.lastStoredAtMs < h.atMs;
  const healthSaysUpSinceRefusals = fresh && !h.failing && h.atMs > s.observed.lastNotStoredAtMs;
  const outcomesSayDown =
    s.observed.consecutiveNotStored >= cfg.downAfterConsecutive && !healthSaysUpSinceRefusals;
  return healthSaysDown || outcomesSayDown;
}

/**
 * A down processor may take a real payment as a probe (a refusal stores nothing): one per
 * probeEveryMs since the last send and the last refusal, a bounded number at once. Waiting for
 * the previous probe to come back would blind us for as long as a slow failing processor holds
 * it: seen in a final-like run, where fallback's quick probe won the race after both recovered
 * and took a 13,000-payment backlog that a recovered default could have had.
 */
export function mayProbe(s: ProcessorState, nowMs: number, cfg: PolicyConfig): boolean {
  const o = s.observed;
  return (
    o.inFlight < cfg.maxProbesInFlight &&
    nowMs - o.lastSentAtMs >= cfg.probeEveryMs &&
    nowMs - o.lastNotStoredAtMs >= cfg.probeEveryMs
  );
}

/** Expected latency: the larger of what the health endpoint promises and what we measured. */
export function expectedLatencyMs(s: ProcessorState, nowMs: number, cfg: PolicyConfig): number {
  const h =
    s.health !== undefined && nowMs - s.health.atMs <= cfg.healthFreshMs
      ? s.health.minResponseTimeMs
      : 0;
  return Math.max(h, s.observed.latencyEwmaMs);
}

export type Route = ProcessorName | 'hold';

/** Where the oldest waiting payment (waiting `oldestWaitMs`) should go now. */
export function route(
  nowMs: number,
  oldestWaitMs: number,
  st: Readonly<Record<ProcessorName, ProcessorState>>,
  cfg: PolicyConfig = DEFAULT_POLICY,
): Route {
  const d = st.default;
  const dDown = isDown(d, nowMs, cfg);
  if (!dDown && d.observed.inFlight < cfg.maxInFlight.default) return 'default';
  if (dDown && mayProbe(d, nowMs, cfg)) return 'default';
  const f = st.fallback;
  if (!dDown || oldestWaitMs < cfg.fallbackAfterWaitMs) return 'hold';
  const fDown = isDown(f, nowMs, cfg);
  if (fDown) return mayProbe(f, nowMs, cfg) ? 'fallback' : 'hold';
  if (
    f.observed.inFlight < cfg.maxInFlight.fallback &&
    expectedLatencyMs(f, nowMs, cfg) <= cfg.fallbackMaxLatencyMs
  )
    return 'fallback';
  return 'hold';
}
