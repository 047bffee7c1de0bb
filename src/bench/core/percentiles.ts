// Percentiles exactly as the official tools compute them, over every sample (no histogram loss).
// - k6 (Trend sink): sort, rank i = p × (n − 1), linear interpolation between floor(i) and ceil(i).
// - Gatling: response times in whole milliseconds (truncated), value at nearest rank ceil(p × n),
//   as its HdrHistogram-based statistics report them.
import assert from 'node:assert/strict';

/** A growable store of latency samples in milliseconds (bounded by `capacity`). */
export class Samples {
  private data: Float64Array;
  private n = 0;
  private sorted = true;

  constructor(
    initial = 1024,
    readonly capacity = 10_000_000,
  ) {
    this.data = new Float64Array(initial);
  }

  get count(): number {
    return this.n;
  }

  add(ms: number): void {
    if (this.n === this.data.length) {
      assert(this.n < this.capacity, `more than ${this.capacity} samples`);
      const next = new Float64Array(Math.min(this.capacity, this.data.length * 2));
      next.set(this.data);
      this.data = next;
    }
    if (this.n > 0 && ms < this.data[this.n - 1]!) this.sorted = false;
    this.data[this.n++] = ms;
  }

  /** The samples in ascending order (sorts in place once). */
  values(): Float64Array {
    const v = this.data.subarray(0, this.n);
    if (!this.sorted) {
      v.sort();
      this.sorted = true;
    }
    return v;
  }

  max(): number {
    return this.n === 0 ? 0 : this.values()[this.n - 1]!;
  }

  mean(): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += this.data[i]!;
    return this.n === 0 ? 0 : s / this.n;
  }
}

/** k6's percentile (p in 0..100) of ascending values. */
export function k6Percentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  if (n === 1) return sorted[0]!;
  const i = (p / 100) * (n - 1);
  const lo = sorted[Math.floor(i)]!;
  const hi = sorted[Math.ceil(i)]!;
  return lo + (hi - lo) * (i - Math.floor(i));
}

/** Gatling's percentile (p in 0..100) of ascending values in ms: whole ms at the nearest rank. */
export function gatlingPercentile(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * n));
  return Math.trunc(sorted[Math.min(n, rank) - 1]!);
}
