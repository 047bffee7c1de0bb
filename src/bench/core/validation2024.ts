// The validation phase of the 2024 scenario, request by request: which step each request was
// (the 25 concurrent debits, a client's first extrato, …), how long it took and when. The
// issue's bar is every validation request under 5 ms; the summary names the slowest, so a miss
// says where it happened. Pure.

/** The bar a warmed stack meets: each validation request answered within this (ms). */
export const VALIDATION_TARGET_MS = 5;
/** Slowest requests named in the summary. */
export const SLOWEST_KEPT = 5;

export interface ValidationStep {
  /** What the request checks, e.g. "debits burst", "client 3: toma". */
  readonly step: string;
  readonly ms: number;
  /** When it started, ms since the run began. */
  readonly atMs: number;
}

/** One step's requests: how many, how many missed the bar, the slowest. */
export interface StepSummary {
  readonly step: string;
  readonly requests: number;
  readonly overTargetMs: number;
  readonly maxMs: number;
}

export interface ValidationSummary {
  readonly requests: number;
  readonly overTargetMs: number;
  readonly targetMs: number;
  readonly maxMs: number;
  readonly slowest: readonly ValidationStep[];
  /** Per step, in the order the phase first ran each (the 5 clients' steps merged into one). */
  readonly bySteps: readonly StepSummary[];
}

/** "client 3: toma" and "client 1: toma" are one step across clients. */
const stepKind = (step: string) => step.replace(/^client \d+: /, 'client N: ');

export function summarizeValidation(
  steps: readonly ValidationStep[],
  targetMs = VALIDATION_TARGET_MS,
): ValidationSummary {
  const byMs = [...steps].sort((a, b) => b.ms - a.ms);
  const round = (x: number) => Math.round(x * 1000) / 1000;
  const kinds = new Map<string, { -readonly [K in keyof StepSummary]: StepSummary[K] }>();
  for (const s of steps) {
    const step = stepKind(s.step);
    const k = kinds.get(step) ?? { step, requests: 0, overTargetMs: 0, maxMs: 0 };
    k.requests++;
    if (s.ms >= targetMs) k.overTargetMs++;
    k.maxMs = Math.max(k.maxMs, s.ms);
    kinds.set(step, k);
  }
  return {
    requests: steps.length,
    overTargetMs: steps.filter((s) => s.ms >= targetMs).length,
    targetMs,
    maxMs: round(byMs[0]?.ms ?? 0),
    slowest: byMs
      .slice(0, SLOWEST_KEPT)
      .map((s) => ({ step: s.step, ms: round(s.ms), atMs: Math.round(s.atMs) })),
    bySteps: [...kinds.values()].map((k) => ({ ...k, maxMs: round(k.maxMs) })),
  };
}

/** One line for the console and the report's headline. */
export function validationLine(v: ValidationSummary): string {
  const slowest = v.slowest
    .slice(0, 3)
    .map((s) => `${s.step} ${s.ms} ms at +${s.atMs} ms`)
    .join('; ');
  return `${v.requests} requests, ${v.overTargetMs} took ${v.targetMs} ms or more${slowest ? `; slowest: ${slowest}` : ''}`;
}

/** The steps that missed the bar, worst first: "debits burst 20 of 25 (max 20.5 ms), …". */
export function stepsLine(v: ValidationSummary): string {
  const missed = v.bySteps.filter((k) => k.overTargetMs > 0).sort((a, b) => b.maxMs - a.maxMs);
  if (missed.length === 0) return `every step under ${v.targetMs} ms`;
  return missed
    .map((k) => `${k.step} ${k.overTargetMs} of ${k.requests} (max ${k.maxMs} ms)`)
    .join(', ');
}

/** Both lines in one, for the canned floor's phase beside ours. */
export function floorValidationLine(v: ValidationSummary): string {
  return `${validationLine(v)}; steps at or over the bar: ${stepsLine(v)}`;
}
