// k6's ramping-vus executor: the number of active VUs is interpolated linearly inside each stage;
// VU number v (1-based) becomes active when the interpolated count first reaches v, and with
// gracefulRampDown 0s a VU stops when the count falls below it (or at the end).

export interface Stage {
  readonly durationSec: number;
  readonly target: number;
}

export interface VuWindow {
  readonly startSec: number;
  readonly endSec: number;
}

/** Active window of every VU, for `startVUs` and stages as in a k6 options block. */
export function vuWindows(startVUs: number, stages: readonly Stage[]): VuWindow[] {
  const total = stages.reduce((t, s) => t + s.durationSec, 0);
  const maxVUs = Math.max(startVUs, ...stages.map((s) => s.target));
  const starts: number[] = new Array(maxVUs + 1).fill(NaN);
  const ends: number[] = new Array(maxVUs + 1).fill(total);
  for (let v = 1; v <= startVUs; v++) starts[v] = 0;
  let t0 = 0;
  let from = startVUs;
  for (const st of stages) {
    const to = st.target;
    for (let v = 1; v <= maxVUs; v++) {
      if (to > from && v > from && v <= to && Number.isNaN(starts[v]!)) {
        starts[v] = t0 + ((v - from) / (to - from)) * st.durationSec;
      } else if (to < from && v > to && v <= from && ends[v] === total) {
        ends[v] = t0 + ((from - v + 1) / (from - to)) * st.durationSec;
      }
    }
    t0 += st.durationSec;
    from = to;
  }
  const out: VuWindow[] = [];
  for (let v = 1; v <= maxVUs; v++)
    if (!Number.isNaN(starts[v]!)) out.push({ startSec: starts[v]!, endSec: ends[v]! });
  return out;
}

/**
 * Iterations each VU completes if every iteration takes `iterationSec` (request + sleep) and an
 * iteration starts as soon as the previous one ends and before the VU's window closes.
 */
export function expectedIterations(windows: readonly VuWindow[], iterationSec: number): number {
  let n = 0;
  for (const w of windows) n += Math.max(0, Math.ceil((w.endSec - w.startSec) / iterationSec));
  return n;
}
