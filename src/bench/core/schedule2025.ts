// The 2025 test's schedules: duration, VU ceiling, amount and the stage table that reconfigures
// both processors. The public preview table, random "final-like" schedules drawn from the kinds
// of conditions of the final (seeded, so a run can be repeated), and schedules read from files.
import { RinhaError } from '../../errors.js';

export interface ProcessorCondition {
  readonly delayMs: number;
  readonly failing: boolean;
}

export interface StageChange {
  /** When the change is sent, seconds from the start. */
  readonly atSec: number;
  readonly default: ProcessorCondition;
  readonly fallback: ProcessorCondition;
}

export interface Schedule2025 {
  readonly name: string;
  readonly durationSec: number;
  readonly maxVUs: number;
  /** Amount of every payment (k6 sends the same amount all run). */
  readonly amount: number;
  readonly stages: readonly StageChange[];
}

const c = (delayMs: number, failing: boolean): ProcessorCondition => ({ delayMs, failing });

/** The public preview (rinha-test.js): 60 s, 550 VUs, 19.90. */
export const PREVIEW_2025: Schedule2025 = {
  name: '2025-preview',
  durationSec: 60,
  maxVUs: 550,
  amount: 19.9,
  stages: [
    { atSec: 1, default: c(0, false), fallback: c(0, false) },
    { atSec: 10, default: c(100, false), fallback: c(0, false) },
    { atSec: 20, default: c(100, true), fallback: c(0, false) },
    { atSec: 30, default: c(2000, true), fallback: c(1000, true) },
    { atSec: 40, default: c(20, false), fallback: c(20, false) },
    { atSec: 50, default: c(0, false), fallback: c(5000, false) },
  ],
};

/**
 * The official final (rinha-test/rinha-final.js): 300 s, 603 VUs, 20.05, ten stages, one every
 * 30 s. The last one (default 2 s, fallback 0 ms) is more than default can carry: with 800
 * requests in progress at most, a 2-s delay caps it near 400 payments/s while ~600 arrive.
 */
export const FINAL_2025: Schedule2025 = {
  name: '2025-final',
  durationSec: 300,
  maxVUs: 603,
  amount: 20.05,
  stages: [
    { atSec: 1, default: c(0, false), fallback: c(0, false) },
    { atSec: 30, default: c(1000, false), fallback: c(0, false) },
    { atSec: 60, default: c(500, false), fallback: c(0, false) },
    { atSec: 90, default: c(2000, true), fallback: c(1000, false) },
    { atSec: 120, default: c(5000, true), fallback: c(5, false) },
    { atSec: 150, default: c(0, false), fallback: c(5, true) },
    { atSec: 180, default: c(100, false), fallback: c(5, false) },
    { atSec: 210, default: c(50, false), fallback: c(0, false) },
    { atSec: 240, default: c(103, false), fallback: c(10, false) },
    { atSec: 270, default: c(2000, false), fallback: c(0, false) },
  ],
};

/** Delays the final's conditions use (0 ms to 5 s). */
const DELAYS_MS = [0, 0, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000];

/**
 * A final-like schedule: `stages` stages of `stageSec` each, every one drawn from the kinds of
 * conditions of the final: a processor fast or slow (0-5000 ms), failing or not, one or both.
 */
export function finalLike(
  random: () => number,
  o: { durationSec?: number; maxVUs?: number; amount?: number; stages?: number } = {},
): Schedule2025 {
  const durationSec = o.durationSec ?? 300;
  const n = o.stages ?? 10;
  const stageSec = durationSec / n;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const cond = (failP: number) => c(pick(DELAYS_MS), random() < failP);
  const stages: StageChange[] = [];
  for (let i = 0; i < n; i++) {
    // The first stage starts healthy, as in the official runs.
    if (i === 0) stages.push({ atSec: 1, default: c(0, false), fallback: c(0, false) });
    else stages.push({ atSec: Math.round(i * stageSec), default: cond(0.3), fallback: cond(0.3) });
  }
  return {
    name: '2025-final-like',
    durationSec,
    maxVUs: o.maxVUs ?? 600,
    amount: o.amount ?? 19.9,
    stages,
  };
}

/** Shrinks the schedule's durations and stage times (for quick runs). */
export function scaleSchedule(s: Schedule2025, factor: number): Schedule2025 {
  return {
    ...s,
    durationSec: s.durationSec * factor,
    stages: s.stages.map((st) => ({ ...st, atSec: st.atSec * factor })),
  };
}

/** Validates a schedule read from JSON; throws with a message naming the bad field. */
export function parseSchedule(v: unknown, name = 'schedule'): Schedule2025 {
  const fail = (m: string): never => {
    throw new RinhaError('INVALID_SCHEDULE', `${name}: ${m}`);
  };
  if (typeof v !== 'object' || v === null) return fail('must be a JSON object');
  const o = v as Record<string, unknown>;
  const num = (k: string, min: number, max: number): number => {
    const x = o[k];
    if (typeof x !== 'number' || !(x >= min && x <= max))
      return fail(`"${k}" must be a number from ${min} to ${max}`);
    return x;
  };
  const durationSec = num('durationSec', 1, 3600);
  const maxVUs = num('maxVUs', 1, 5000);
  const amount = num('amount', 0.01, 1_000_000);
  if (!Array.isArray(o.stages) || o.stages.length === 0)
    return fail('"stages" must be a non-empty array');
  const cond = (x: unknown, where: string): ProcessorCondition => {
    const p = x as Record<string, unknown> | null;
    if (typeof p !== 'object' || p === null) return fail(`${where} must be an object`);
    if (
      typeof p.delayMs !== 'number' ||
      !Number.isInteger(p.delayMs) ||
      p.delayMs < 0 ||
      p.delayMs > 600_000
    )
      return fail(`${where}.delayMs must be an integer from 0 to 600000`);
    if (typeof p.failing !== 'boolean') return fail(`${where}.failing must be true or false`);
    return { delayMs: p.delayMs, failing: p.failing };
  };
  const stages = o.stages.map((s: unknown, i: number) => {
    const st = s as Record<string, unknown> | null;
    if (typeof st !== 'object' || st === null) return fail(`stages[${i}] must be an object`);
    if (typeof st.atSec !== 'number' || st.atSec < 0 || st.atSec >= durationSec)
      return fail(`stages[${i}].atSec must be within the duration`);
    return {
      atSec: st.atSec,
      default: cond(st.default, `stages[${i}].default`),
      fallback: cond(st.fallback, `stages[${i}].fallback`),
    };
  });
  for (let i = 1; i < stages.length; i++)
    if (stages[i]!.atSec < stages[i - 1]!.atSec) fail('stages must be in time order');
  return {
    name: typeof o.name === 'string' ? o.name : 'custom',
    durationSec,
    maxVUs,
    amount,
    stages,
  };
}
