// Summary statistics of a recorder, the way each official tool states them.
import { gatlingPercentile, k6Percentile, type Samples } from '../core/percentiles.js';
import type { Recorder } from '../core/recorder.js';

const r3 = (x: number) => Math.round(x * 1000) / 1000;

/** Gatling's global stats table: whole milliseconds, nearest rank. */
export function gatlingStats(rec: Recorder, thresholdMs: number) {
  const all = rec.all.values();
  let okUnder = 0;
  for (const v of rec.ok.values()) if (v < thresholdMs) okUnder++;
  let min = Infinity;
  for (const v of all) min = Math.min(min, v);
  return {
    count: rec.total,
    ok: rec.total - rec.koCount,
    ko: rec.koCount,
    min: all.length === 0 ? 0 : Math.trunc(min),
    mean: Math.round(rec.all.mean()),
    p50: gatlingPercentile(all, 50),
    p75: gatlingPercentile(all, 75),
    p95: gatlingPercentile(all, 95),
    p99: gatlingPercentile(all, 99),
    max: Math.trunc(rec.all.max()),
    okUnderThreshold: okUnder,
    percentOkUnderThreshold: rec.total === 0 ? 0 : r3((okUnder / rec.total) * 100),
  };
}

/** Exact percentiles (k6 interpolation) of a sample set, in ms with 3 decimals. */
export function exactStats(s: Samples) {
  const v = s.values();
  return {
    count: v.length,
    p50: r3(k6Percentile(v, 50)),
    p90: r3(k6Percentile(v, 90)),
    p99: r3(k6Percentile(v, 99)),
    p999: r3(k6Percentile(v, 99.9)),
    max: r3(s.max()),
  };
}

/** Per-second series for the report's charts. */
export function timeline(rec: Recorder) {
  return rec.timeline.map((s) => {
    const v = s.latencies.values();
    return {
      t: s.t,
      requests: s.requests,
      ko: s.ko,
      p50: r3(k6Percentile(v, 50)),
      p99: r3(k6Percentile(v, 99)),
      max: r3(s.latencies.max()),
      byName: s.byName,
    };
  });
}
