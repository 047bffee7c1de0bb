// Open-model injection profiles of Gatling, turned into arrival times (seconds from the start).
// rampUsersPerSec(r1).to(r2).during(d): the rate grows linearly, so the number of users arrived
// by time t is N(t) = r1·t + (r2 − r1)·t²/(2d); user k (k = 0, 1, …) arrives when N(t) = k.
// constantUsersPerSec(r).during(d): users evenly spaced, 1/r apart.

export type Injection =
  | {
      readonly kind: 'ramp';
      readonly from: number;
      readonly to: number;
      readonly duringSec: number;
    }
  | { readonly kind: 'constant'; readonly rate: number; readonly duringSec: number };

/** Users an injection step sends: the area under its rate curve, rounded as Gatling does. */
export function injectionCount(step: Injection): number {
  return step.kind === 'constant'
    ? Math.round(step.rate * step.duringSec)
    : Math.round(((step.from + step.to) / 2) * step.duringSec);
}

/** Arrival time (s from the step's start) of user k of a step. */
function arrivalAt(step: Injection, k: number): number {
  if (step.kind === 'constant') return k / step.rate;
  const { from: r1, to: r2, duringSec: d } = step;
  if (r1 === r2) return k / r1;
  const a = (r2 - r1) / (2 * d);
  // a·t² + r1·t − k = 0, the positive root.
  return (-r1 + Math.sqrt(r1 * r1 + 4 * a * k)) / (2 * a);
}

/** Every arrival time of consecutive steps, ascending, in seconds from the first step's start. */
export function arrivals(steps: readonly Injection[]): Float64Array {
  const total = steps.reduce((n, s) => n + injectionCount(s), 0);
  const out = new Float64Array(total);
  let i = 0;
  let offset = 0;
  for (const s of steps) {
    const n = injectionCount(s);
    for (let k = 0; k < n; k++) out[i++] = offset + Math.min(arrivalAt(s, k), s.duringSec);
    offset += s.duringSec;
  }
  return out;
}

/** Scales every duration (for quick runs); rates stay, so counts shrink by the same factor. */
export function scaleInjection(step: Injection, factor: number): Injection {
  return { ...step, duringSec: step.duringSec * factor };
}
