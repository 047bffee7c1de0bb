// The 2025 scenarios as the official scripts define them, beyond their stage tables: which fees
// the processors are expected to charge, where the gross comes from, which teardown windows are
// scored, and how a consistency check counts. Pure data.
import { FINAL_FEES, PUBLIC_RULES_FEES, type Fees } from '../../payments/core/fees.js';
import { FINAL_2025, PREVIEW_2025, type Schedule2025 } from './schedule2025.js';

/**
 * How a check counts differences: the preview script's |Δdefault + Δfallback| (what the spec
 * says the final used too), or per processor |Δdefault| + |Δfallback| (a stored copy of the final
 * script); both are reported, the scenario's counts.
 */
export type ConsistencyFormula = 'sum' | 'per-processor';

export interface ScoreWindow {
  /** The teardown's `from = to − seconds`. */
  readonly seconds: number;
  readonly label: string;
}

export interface Scenario2025 {
  readonly schedule: Schedule2025;
  /** Fees the scenario's processors charge; the bench warns when the processors report others. */
  readonly fees: Fees;
  /** Gross and counts from the backend's summary (preview script) or the processors' (final). */
  readonly grossFrom: 'backend' | 'processors';
  /** The window the official ranking scores; then any other windows reported beside it. */
  readonly official: ScoreWindow;
  readonly others: readonly ScoreWindow[];
  readonly consistency: ConsistencyFormula;
}

/** k6's httpx timeout in the official requests.js: every request, POST /payments included. */
export const K6_REQUEST_TIMEOUT_MS = 1_500;

/** The whole of a 300-s run, as the stored copy of the final script's teardown reads it. */
export const WHOLE_RUN_WINDOW: ScoreWindow = { seconds: 360, label: 'whole run' };

export const PREVIEW_SCENARIO: Scenario2025 = {
  schedule: PREVIEW_2025,
  fees: PUBLIC_RULES_FEES,
  grossFrom: 'backend',
  official: { seconds: 70, label: 'last 70 s (the whole 60-s run)' },
  others: [],
  consistency: 'sum',
};

export const FINAL_SCENARIO: Scenario2025 = {
  schedule: FINAL_2025,
  fees: FINAL_FEES,
  grossFrom: 'processors',
  official: { seconds: 70, label: 'last 70 s (official ranking)' },
  others: [WHOLE_RUN_WINDOW],
  consistency: 'sum',
};

/** Random or file schedules: scored like the final (processors' gross), over the whole run. */
export function customScenario(schedule: Schedule2025, fees: Fees): Scenario2025 {
  return {
    schedule,
    fees,
    grossFrom: 'processors',
    official: { seconds: Math.ceil(schedule.durationSec) + 60, label: 'whole run' },
    others: schedule.durationSec > 70 ? [{ seconds: 70, label: 'last 70 s' }] : [],
    consistency: 'sum',
  };
}

/** Inconsistencies one check finds, by the scenario's formula. */
export function checkDifference(
  formula: ConsistencyFormula,
  backend: { readonly default: number; readonly fallback: number },
  processors: { readonly default: number; readonly fallback: number },
): number {
  const d = backend.default - processors.default;
  const f = backend.fallback - processors.fallback;
  return formula === 'sum' ? Math.abs(d + f) : Math.abs(d) + Math.abs(f);
}
