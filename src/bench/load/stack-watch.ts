// What the stack under test spent while the bench measured it: per service, CPU time, CFS
// throttling (periods in which its quota ran out, and the time it was stalled) and memory, read
// from the cgroups the runner announced (stack/descriptor.ts), once a second so a stall shows
// where it happened. Under a CPU quota a p99 tail is usually throttling: it is read first.
import { readFileSync } from 'node:fs';
import { statFile, type CgroupFiles, type Limits } from '../../stack/cgroups.js';
import { readDescriptor, type StackDescriptor } from '../../stack/descriptor.js';

const SAMPLE_EVERY_MS = 1_000;

interface CpuSample {
  readonly usageSec: number;
  readonly throttledPeriods: number;
  readonly throttledSec: number;
}

function readNumber(file: string): number | undefined {
  try {
    const n = Number(readFileSync(file, 'utf8').trim());
    return Number.isFinite(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

function sampleCpu(f: CgroupFiles): CpuSample | undefined {
  const st = statFile(f.cpuStat);
  if (!st.has('nr_throttled')) return undefined;
  if (f.version === 'v2')
    return {
      usageSec: (st.get('usage_usec') ?? 0) / 1e6,
      throttledPeriods: st.get('nr_throttled') ?? 0,
      throttledSec: (st.get('throttled_usec') ?? 0) / 1e6,
    };
  const usage = f.cpuUsage === undefined ? undefined : readNumber(f.cpuUsage);
  return {
    usageSec: (usage ?? 0) / 1e9,
    throttledPeriods: st.get('nr_throttled') ?? 0,
    throttledSec: (st.get('throttled_time') ?? 0) / 1e9,
  };
}

export interface ServiceUsage {
  readonly name: string;
  readonly limits: Limits;
  readonly cpuSec: number;
  readonly throttledPeriods: number;
  readonly throttledSec: number;
  /** CPU seconds per 1,000 requests the bench made: moves far less than latency does. */
  readonly cpuSecPer1000Requests: number;
  /** Highest memory use sampled during the run, MB. */
  readonly peakMemoryMB: number;
  /** Per second of the run: periods throttled, and CPU seconds used. */
  readonly perSecond: { readonly throttledPeriods: number[]; readonly cpuSec: number[] };
}

export interface StackUsage {
  readonly system: string;
  readonly variant: string;
  readonly runDir: string;
  readonly services: readonly ServiceUsage[];
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;

export class StackWatch {
  private readonly first = new Map<string, CpuSample>();
  private readonly last = new Map<string, CpuSample>();
  private readonly peak = new Map<string, number>();
  private readonly perSecond = new Map<string, { throttledPeriods: number[]; cpuSec: number[] }>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(private readonly d: StackDescriptor) {}

  /** The watcher of the stack announced on `port`, when one is (and its limits are applied). */
  static find(port: number): StackWatch | undefined {
    const d = readDescriptor(port);
    return d === undefined || !d.services.some((s) => s.files) ? undefined : new StackWatch(d);
  }

  get descriptor(): StackDescriptor {
    return this.d;
  }

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
    this.timer.unref();
  }

  private sample(): void {
    for (const s of this.d.services) {
      if (s.files === undefined) continue;
      const cpu = sampleCpu(s.files);
      const mem = readNumber(s.files.memoryNow);
      if (mem !== undefined) this.peak.set(s.name, Math.max(this.peak.get(s.name) ?? 0, mem));
      if (cpu === undefined) continue;
      const prev = this.last.get(s.name);
      if (!this.first.has(s.name)) this.first.set(s.name, cpu);
      if (prev !== undefined) {
        const series = this.perSecond.get(s.name) ?? { throttledPeriods: [], cpuSec: [] };
        series.throttledPeriods.push(cpu.throttledPeriods - prev.throttledPeriods);
        series.cpuSec.push(r3(cpu.usageSec - prev.usageSec));
        this.perSecond.set(s.name, series);
      }
      this.last.set(s.name, cpu);
    }
  }

  /** Stops sampling; usage over the watched time, per service. */
  stop(requests: number): StackUsage {
    clearInterval(this.timer);
    this.sample();
    const services: ServiceUsage[] = [];
    for (const s of this.d.services) {
      const a = this.first.get(s.name);
      const b = this.last.get(s.name);
      if (a === undefined || b === undefined) continue;
      const cpuSec = b.usageSec - a.usageSec;
      services.push({
        name: s.name,
        limits: s.limits,
        cpuSec: r3(cpuSec),
        throttledPeriods: b.throttledPeriods - a.throttledPeriods,
        throttledSec: r3(b.throttledSec - a.throttledSec),
        cpuSecPer1000Requests: requests === 0 ? 0 : r3((cpuSec / requests) * 1000),
        peakMemoryMB: Math.round(((this.peak.get(s.name) ?? 0) / 1048576) * 10) / 10,
        perSecond: this.perSecond.get(s.name) ?? { throttledPeriods: [], cpuSec: [] },
      });
    }
    return { system: this.d.system, variant: this.d.variant, runDir: this.d.runDir, services };
  }
}

/** One line per service for the console. */
export function usageLines(u: StackUsage): string[] {
  return u.services.map(
    (s) =>
      `${s.name.padEnd(18)} ${s.limits.cpus} CPU / ${s.limits.memoryMB} MB: CPU ${s.cpuSec} s (${s.cpuSecPer1000Requests} s per 1,000 requests), throttled ${s.throttledPeriods} periods (${s.throttledSec} s), peak ${s.peakMemoryMB} MB`,
  );
}
