// What a bench run records: every request's latency (all samples), its outcome, and a per-second
// timeline for the report's charts. Pure bookkeeping, no I/O.
import { performance } from 'node:perf_hooks';
import { Samples } from './percentiles.js';

export interface Outcome {
  readonly name: string;
  readonly status: number;
  readonly ms: number;
  /** Expected status and every check passed. */
  readonly ok: boolean;
  /** The response showed an inconsistent balance/summary. */
  readonly inconsistent?: boolean;
  /** Why it is KO, for the error table (e.g. "status 502", "ECONNREFUSED", "check saldo"). */
  readonly failure?: string;
}

export interface SecondStats {
  readonly t: number;
  requests: number;
  ko: number;
  readonly latencies: Samples;
  readonly byName: Record<string, number>;
}

/** Most distinct failure reasons kept (the rest are counted under "other"). */
export const MAX_FAILURE_KINDS = 50;
/** Longest timeline kept, in seconds. */
export const MAX_TIMELINE_SEC = 3600;

export class Recorder {
  readonly all = new Samples(4096);
  readonly ok = new Samples(4096);
  readonly statuses: Record<string, number> = {};
  readonly failures: Record<string, number> = {};
  readonly byName: Record<string, { count: number; ko: number; samples: Samples }> = {};
  readonly timeline: SecondStats[] = [];
  total = 0;
  koCount = 0;
  inconsistencies = 0;

  constructor(readonly startMs: number) {}

  record(o: Outcome, atMs: number): void {
    this.total++;
    this.all.add(o.ms);
    if (o.ok) this.ok.add(o.ms);
    else this.koCount++;
    if (o.inconsistent) this.inconsistencies++;
    const key = o.status === 0 ? 'no answer' : String(o.status);
    this.statuses[key] = (this.statuses[key] ?? 0) + 1;
    if (!o.ok) {
      const reason = o.failure ?? `status ${o.status}`;
      const k =
        reason in this.failures || Object.keys(this.failures).length < MAX_FAILURE_KINDS
          ? reason
          : 'other';
      this.failures[k] = (this.failures[k] ?? 0) + 1;
    }
    const n = (this.byName[o.name] ??= { count: 0, ko: 0, samples: new Samples(1024) });
    n.count++;
    if (!o.ok) n.ko++;
    n.samples.add(o.ms);
    const sec = Math.max(0, Math.floor((atMs - this.startMs) / 1000));
    if (sec < MAX_TIMELINE_SEC) {
      while (this.timeline.length <= sec)
        this.timeline.push({
          t: this.timeline.length,
          requests: 0,
          ko: 0,
          latencies: new Samples(64),
          byName: {},
        });
      const s = this.timeline[sec]!;
      s.requests++;
      if (!o.ok) s.ko++;
      s.latencies.add(o.ms);
      s.byName[o.name] = (s.byName[o.name] ?? 0) + 1;
    }
  }

  /** Samples of the last `seconds` complete seconds before `nowMs` (for the live p99). */
  recent(nowMs: number, seconds: number): { requests: number; ko: number; latencies: number[] } {
    const end = Math.floor((nowMs - this.startMs) / 1000);
    const out = { requests: 0, ko: 0, latencies: [] as number[] };
    for (let s = Math.max(0, end - seconds); s < end && s < this.timeline.length; s++) {
      const x = this.timeline[s]!;
      out.requests += x.requests;
      out.ko += x.ko;
      out.latencies.push(...x.latencies.values());
    }
    out.latencies.sort((a, b) => a - b);
    return out;
  }
}

/** Epoch milliseconds with sub-millisecond precision (one clock for the whole bench). */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}
