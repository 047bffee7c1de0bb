// The local stack runner's engine: launches services in order, each in its own cgroup with the
// topology's limits, logs each to <runDir>/<name>.log, and stops everything (by PID and by cgroup)
// in reverse order. What a system runs is decided by its own `up` module (e.g. crebito/stack.ts).
import { pidAlive } from './pids.js';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  openCgroups,
  reapStaleRuns,
  removeStaleGroups,
  type CgroupManager,
  type Limits,
} from './cgroups.js';
import type { StackDescriptor } from './descriptor.js';
import { Service, type ServiceSpec } from './service.js';
import assert from 'node:assert/strict';
import { RinhaError } from '../errors.js';

/**
 * Private folders of a run (scratch, database cluster) are named rinha-<runner pid>-*, so a
 * later run can remove those a runner killed with SIGKILL left behind.
 */
export const SCRATCH_PREFIX = 'rinha-';
const SCRATCH_NAME = new RegExp(`^${SCRATCH_PREFIX}(\\d+)-`);

export interface StackOptions {
  readonly runDir: string;
  /** Apply the cgroup limits (default true); when impossible the stack runs anyway, and says so. */
  readonly limits: boolean;
  readonly log: (msg: string) => void;
  /** Folders where runs keep private rinha-<pid>-* folders (removed when that pid is dead). */
  readonly scratchDirs?: readonly string[];
}

export interface ServiceReport {
  readonly name: string;
  readonly limits: Limits;
  readonly limitsApplied: boolean;
  readonly peakMemoryMB?: number;
  readonly cpuSec?: number;
  readonly throttledPeriods?: number;
  readonly throttledSec?: number;
}

export class Stack {
  private readonly order: Service[] = [];
  private readonly limitsOf = new Map<string, Limits>();
  private cgroups: CgroupManager | undefined;
  readonly limitsNote: string;
  private stopped = false;

  /** Creates a stack after cleaning up what a runner killed with SIGKILL left behind. */
  static async open(opts: StackOptions): Promise<Stack> {
    if (opts.limits && process.getuid?.() === 0) {
      const killed = reapStaleRuns();
      if (killed.length > 0) {
        opts.log(
          `killed ${killed.length} leftover process(es) of a previous run whose runner died`,
        );
        await waitUntil('leftovers to exit', async () => killed.every((p) => !pidAlive(p)), {
          timeoutMs: 5000,
          intervalMs: 20,
        });
      }
      removeStaleGroups();
    }
    for (const dir of opts.scratchDirs ?? []) removeStaleScratch(dir, opts.log);
    return new Stack(opts);
  }

  private constructor(readonly opts: StackOptions) {
    mkdirSync(opts.runDir, { recursive: true });
    if (!opts.limits) {
      this.limitsNote = 'resource limits disabled (--no-limits)';
    } else {
      const probe = openCgroups(`${process.pid}-${Date.now()}`);
      if (probe.ok) {
        this.cgroups = probe.manager;
        this.limitsNote = `resource limits applied with cgroup ${probe.manager.version}`;
      } else {
        this.limitsNote = `WARNING: resource limits NOT applied (${probe.reason}); running without them`;
      }
    }
    opts.log(this.limitsNote);
  }

  get limitsApplied(): boolean {
    return this.cgroups !== undefined;
  }

  logFile(name: string): string {
    return path.join(this.opts.runDir, `${name}.log`);
  }

  service(name: string): Service {
    const s = this.order.find((x) => x.spec.name === name);
    assert(s !== undefined, `no service ${name} in this stack`);
    return s;
  }

  get services(): readonly Service[] {
    return this.order;
  }

  launch(spec: Omit<ServiceSpec, 'logFile'>, limits: Limits): Service {
    const group = this.cgroups?.create(spec.name, limits);
    const svc = new Service({ ...spec, logFile: this.logFile(spec.name) }, group);
    svc.onUnexpectedExit = (e) =>
      this.opts.log(
        `${spec.name} exited unexpectedly (${e.signal ?? `code ${e.code}`}); see ${svc.spec.logFile}`,
      );
    this.order.push(svc);
    this.limitsOf.set(spec.name, limits);
    svc.start();
    this.opts.log(
      `started ${spec.name} (pid ${svc.pid}, ${limits.cpus} CPU, ${limits.memoryMB} MB)`,
    );
    return svc;
  }

  /** Each service's limits and cgroup files (for the stack's descriptor, stack/descriptor.ts). */
  describeServices(): StackDescriptor['services'] {
    return this.order.map((s) => ({
      name: s.spec.name,
      limits: this.limitsOf.get(s.spec.name)!,
      limitsApplied: s.group !== undefined,
      ...(s.group === undefined ? {} : { files: s.group.files }),
    }));
  }

  private finalReport: ServiceReport[] | undefined;

  /** Limits and peak memory per service (as of the stop, once stopped). */
  report(): ServiceReport[] {
    if (this.finalReport !== undefined) return this.finalReport;
    return this.order.map((s) => {
      const peak = s.group?.peakMemoryBytes();
      const cpu = s.group?.cpuStats() ?? {};
      const r3 = (x: number) => Math.round(x * 1000) / 1000;
      return {
        name: s.spec.name,
        limits: this.limitsOf.get(s.spec.name)!,
        limitsApplied: s.group !== undefined,
        ...(peak === undefined ? {} : { peakMemoryMB: Math.round((peak / 1048576) * 10) / 10 }),
        ...(cpu.usageSec === undefined ? {} : { cpuSec: r3(cpu.usageSec) }),
        ...(cpu.throttledPeriods === undefined ? {} : { throttledPeriods: cpu.throttledPeriods }),
        ...(cpu.throttledSec === undefined ? {} : { throttledSec: r3(cpu.throttledSec) }),
      };
    });
  }

  /** Stops every service, newest first; writes services.json with peak memory per service. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    for (const s of [...this.order].reverse()) {
      await s.stop();
      this.opts.log(`stopped ${s.spec.name}`);
    }
    // Read after the services ended: the peak then covers their whole life.
    const report = this.report();
    this.finalReport = report;
    // A killed process leaves its cgroup only once reaped; wait (bounded) so the groups can go.
    await waitUntil(
      'services to leave their cgroups',
      async () => this.order.every((s) => (s.group?.pids() ?? []).length === 0),
      {
        timeoutMs: 5000,
        intervalMs: 20,
      },
    ).catch((err: Error) => this.opts.log(`warning: ${err.message}`));
    writeFileSync(
      path.join(this.opts.runDir, 'services.json'),
      JSON.stringify({ limits: this.limitsNote, services: report }, null, 2),
    );
    this.cgroups?.removeAll();
  }
}

/** Removes rinha-<pid>-* folders left in `dir` by runners that are gone. */
function removeStaleScratch(dir: string, log: (m: string) => void): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const e of entries) {
    const m = SCRATCH_NAME.exec(e);
    if (m === null || pidAlive(Number(m[1]))) continue;
    rmSync(path.join(dir, e), { recursive: true, force: true });
    log(`removed ${path.join(dir, e)}, left by a runner that is gone`);
  }
}

/** Polls a readiness probe until it answers true; fails fast if `service` dies meanwhile. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  opts: { timeoutMs: number; service?: Service; intervalMs?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    opts.signal?.throwIfAborted();
    if (opts.service !== undefined && !opts.service.running) {
      throw new RinhaError(
        'SERVICE_EXITED',
        `${what}: ${opts.service.spec.name} exited; see ${opts.service.spec.logFile}`,
      );
    }
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new RinhaError('NOT_READY', `${what}: not ready after ${opts.timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 50));
  }
}
