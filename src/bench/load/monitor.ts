// The load generator watches itself: event-loop lag, CPU, and how late each planned request
// left (a late start means the generator, not the target, was the bottleneck).
import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import { Samples } from '../core/percentiles.js';

/** Sampling period of the event-loop monitor; the lag is what exceeds it. */
const LOOP_RESOLUTION_MS = 10;

export interface GeneratorStats {
  readonly eventLoopLagMs: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly startLatenessMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** CPU used by the generator process, as a share of one core over the run. */
  readonly cpuPercentOfOneCore: number;
  readonly cpuSec: number;
  readonly wallSec: number;
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export class GeneratorMonitor {
  private readonly loop: IntervalHistogram;
  private readonly lateness = new Samples(4096);
  private readonly cpu0 = process.cpuUsage();
  private readonly t0 = performance.now();

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loop.enable();
  }

  /** How late (ms) a request planned for `plannedMs` (performance.now() clock) actually left. */
  started(plannedMs: number, actualMs: number): void {
    this.lateness.add(Math.max(0, actualMs - plannedMs));
  }

  /** A start measured elsewhere (a VU thread) that was `ms` late. */
  lateBy(ms: number): void {
    this.lateness.add(Math.max(0, ms));
  }

  stop(): GeneratorStats {
    this.loop.disable();
    const lag = (p: number) => r3(Math.max(0, this.loop.percentile(p) / 1e6 - LOOP_RESOLUTION_MS));
    const late = this.lateness.values();
    const pick = (p: number) =>
      late.length === 0
        ? 0
        : r3(late[Math.min(late.length - 1, Math.ceil((p / 100) * late.length) - 1)]!);
    const cpu = process.cpuUsage(this.cpu0);
    const cpuSec = (cpu.user + cpu.system) / 1e6;
    const wallSec = (performance.now() - this.t0) / 1000;
    return {
      eventLoopLagMs: {
        p50: lag(50),
        p99: lag(99),
        max: r3(Math.max(0, this.loop.max / 1e6 - LOOP_RESOLUTION_MS)),
      },
      startLatenessMs: {
        p50: pick(50),
        p99: pick(99),
        max: late.length === 0 ? 0 : r3(late[late.length - 1]!),
      },
      cpuPercentOfOneCore: Math.round((cpuSec / wallSec) * 1000) / 10,
      cpuSec: r3(cpuSec),
      wallSec: r3(wallSec),
    };
  }
}

/** Runs `fire(i)` at each planned time (ms after `t0`, ascending), from a timer loop. */
export function schedule(
  plannedMs: Float64Array | number[],
  t0: number,
  fire: (i: number, plannedAt: number) => void,
  isStopped: () => boolean = () => false,
): Promise<void> {
  return new Promise((resolve) => {
    let i = 0;
    const tick = () => {
      const now = performance.now();
      while (i < plannedMs.length && t0 + plannedMs[i]! <= now) {
        if (isStopped()) return resolve();
        fire(i, t0 + plannedMs[i]!);
        i++;
      }
      if (i >= plannedMs.length || isStopped()) return resolve();
      setTimeout(tick, Math.max(0, t0 + plannedMs[i]! - performance.now()));
    };
    tick();
  });
}
