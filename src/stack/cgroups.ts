// CPU and memory limits for the services of a local stack, with Linux cgroups: v2 (unified) when
// the machine has it with the cpu and memory controllers, else v1 (one hierarchy per controller).
// A service joins its group from a tiny shell wrapper BEFORE exec, so every process it forks
// (PostgreSQL backends, nginx workers) is confined too.
import { pidAlive } from './pids.js';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmdirSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

export interface Limits {
  /** Fraction of one CPU, e.g. 0.45 (docker's `cpus`). */
  readonly cpus: number;
  /** Memory limit in MB (docker's `memory: 100MB`, i.e. 100 * 2^20 bytes). */
  readonly memoryMB: number;
}

export interface ServiceGroup {
  readonly name: string;
  /** cgroup.procs files the service's first process must write its pid into. */
  readonly procsFiles: readonly string[];
  /** Highest memory use seen, in bytes, or undefined when the kernel does not say. */
  peakMemoryBytes(): number | undefined;
  /** CPU time used and CFS throttling so far (what the kernel exposes). */
  cpuStats(): CpuStats;
  /** Pids still in the group (to kill leftovers). */
  pids(): number[];
  /** The files behind the figures above, for readers in other processes (the bench). */
  readonly files: CgroupFiles;
  remove(): void;
}

/** Where a group's figures are read (paths on this machine). */
export interface CgroupFiles {
  readonly version: 'v1' | 'v2';
  /** cpu.stat: nr_throttled and throttled_time (v1, ns) or throttled_usec (v2) and usage_usec. */
  readonly cpuStat: string;
  /** v1 only: cpuacct.usage, CPU time used in ns. */
  readonly cpuUsage?: string;
  /** Memory in use now: memory.usage_in_bytes (v1) or memory.current (v2). */
  readonly memoryNow: string;
}

export interface CpuStats {
  /** CPU time used, in seconds. */
  readonly usageSec?: number;
  /** Scheduler periods in which the quota ran out. */
  readonly throttledPeriods?: number;
  /** Time spent throttled, in seconds. */
  readonly throttledSec?: number;
}

/** Parses "key value" lines (cpu.stat) into numbers. */
export function statFile(file: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const line of (read(file) ?? '').split('\n')) {
    const [k, v] = line.split(' ');
    if (k && v !== undefined) m.set(k, Number(v));
  }
  return m;
}

export interface CgroupManager {
  readonly version: 'v1' | 'v2';
  create(name: string, limits: Limits): ServiceGroup;
  removeAll(): void;
}

const CFS_PERIOD_US = 100_000;

function read(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function pidsIn(procsFiles: readonly string[]): number[] {
  const out = new Set<number>();
  for (const f of procsFiles) {
    for (const line of (read(f) ?? '').split('\n')) if (line.trim() !== '') out.add(Number(line));
  }
  return [...out];
}

function tryRmdir(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // Still has processes (they are being killed) or already gone; the caller retries.
  }
}

function bytes(memoryMB: number): number {
  return Math.round(memoryMB * 1024 * 1024);
}

/** Our own group path in a v1 controller hierarchy (nest under it: it is where we are allowed). */
function ownV1Path(controller: string): string {
  for (const line of (read('/proc/self/cgroup') ?? '').split('\n')) {
    const [, controllers, p] = line.split(':');
    if (controllers !== undefined && controllers.split(',').includes(controller)) return p ?? '/';
  }
  return '/';
}

function v2(root: string, runId: string): CgroupManager {
  // The "no internal processes" rule forbids controllers in a group that holds processes, so the
  // run's groups hang from the root of the hierarchy (we are root to be here at all).
  const base = path.join(root, `rinha-${runId}`);
  mkdirSync(base);
  writeFileSync(path.join(root, 'cgroup.subtree_control'), '+cpu +memory');
  writeFileSync(path.join(base, 'cgroup.subtree_control'), '+cpu +memory');
  const groups: ServiceGroup[] = [];
  return {
    version: 'v2',
    create(name, limits) {
      const dir = path.join(base, name);
      mkdirSync(dir);
      writeFileSync(
        path.join(dir, 'cpu.max'),
        `${Math.round(limits.cpus * CFS_PERIOD_US)} ${CFS_PERIOD_US}`,
      );
      writeFileSync(path.join(dir, 'memory.max'), String(bytes(limits.memoryMB)));
      if (existsSync(path.join(dir, 'memory.swap.max')))
        writeFileSync(path.join(dir, 'memory.swap.max'), '0');
      const procs = [path.join(dir, 'cgroup.procs')];
      const g: ServiceGroup = {
        name,
        procsFiles: procs,
        peakMemoryBytes: () => {
          const v = read(path.join(dir, 'memory.peak'));
          return v === undefined ? undefined : Number(v);
        },
        cpuStats: () => {
          const st = statFile(path.join(dir, 'cpu.stat'));
          const us = (k: string) => (st.has(k) ? st.get(k)! / 1e6 : undefined);
          return {
            usageSec: us('usage_usec'),
            throttledPeriods: st.get('nr_throttled'),
            throttledSec: us('throttled_usec'),
          };
        },
        pids: () => pidsIn(procs),
        files: {
          version: 'v2',
          cpuStat: path.join(dir, 'cpu.stat'),
          memoryNow: path.join(dir, 'memory.current'),
        },
        remove: () => tryRmdir(dir),
      };
      groups.push(g);
      return g;
    },
    removeAll() {
      for (const g of groups) g.remove();
      tryRmdir(base);
    },
  };
}

function v1(
  mounts: { cpu: string; memory: string; cpuacct?: string },
  runId: string,
): CgroupManager {
  const cpuBase = path.join(mounts.cpu, ownV1Path('cpu'), `rinha-${runId}`);
  const memBase = path.join(mounts.memory, ownV1Path('memory'), `rinha-${runId}`);
  mkdirSync(cpuBase, { recursive: true });
  mkdirSync(memBase, { recursive: true });
  // cpuacct only measures (CPU time used); it may share the cpu hierarchy or have its own.
  const acctBase =
    mounts.cpuacct === undefined
      ? undefined
      : mounts.cpuacct === mounts.cpu
        ? cpuBase
        : path.join(mounts.cpuacct, ownV1Path('cpuacct'), `rinha-${runId}`);
  if (acctBase !== undefined && acctBase !== cpuBase) mkdirSync(acctBase, { recursive: true });
  const groups: ServiceGroup[] = [];
  return {
    version: 'v1',
    create(name, limits) {
      const cpuDir = path.join(cpuBase, name);
      const memDir = path.join(memBase, name);
      mkdirSync(cpuDir);
      mkdirSync(memDir);
      const acctDir = acctBase === undefined ? undefined : path.join(acctBase, name);
      if (acctDir !== undefined && acctDir !== cpuDir) mkdirSync(acctDir);
      writeFileSync(path.join(cpuDir, 'cpu.cfs_period_us'), String(CFS_PERIOD_US));
      writeFileSync(
        path.join(cpuDir, 'cpu.cfs_quota_us'),
        String(Math.round(limits.cpus * CFS_PERIOD_US)),
      );
      writeFileSync(path.join(memDir, 'memory.limit_in_bytes'), String(bytes(limits.memoryMB)));
      // No swap beyond the limit, as in a container with `memory:` set and swap disabled.
      if (existsSync(path.join(memDir, 'memory.memsw.limit_in_bytes'))) {
        try {
          writeFileSync(
            path.join(memDir, 'memory.memsw.limit_in_bytes'),
            String(bytes(limits.memoryMB)),
          );
        } catch {
          // Kernel without swap accounting: the memory limit alone applies.
        }
      }
      const procs = [path.join(cpuDir, 'cgroup.procs'), path.join(memDir, 'cgroup.procs')];
      if (acctDir !== undefined && acctDir !== cpuDir)
        procs.push(path.join(acctDir, 'cgroup.procs'));
      const g: ServiceGroup = {
        name,
        procsFiles: procs,
        peakMemoryBytes: () => {
          const v = read(path.join(memDir, 'memory.max_usage_in_bytes'));
          return v === undefined ? undefined : Number(v);
        },
        cpuStats: () => {
          const st = statFile(path.join(cpuDir, 'cpu.stat'));
          const usage =
            acctDir === undefined ? undefined : read(path.join(acctDir, 'cpuacct.usage'));
          return {
            usageSec: usage === undefined ? undefined : Number(usage) / 1e9,
            throttledPeriods: st.get('nr_throttled'),
            throttledSec: st.has('throttled_time') ? st.get('throttled_time')! / 1e9 : undefined,
          };
        },
        pids: () => pidsIn(procs),
        files: {
          version: 'v1',
          cpuStat: path.join(cpuDir, 'cpu.stat'),
          ...(acctDir === undefined ? {} : { cpuUsage: path.join(acctDir, 'cpuacct.usage') }),
          memoryNow: path.join(memDir, 'memory.usage_in_bytes'),
        },
        remove: () => {
          tryRmdir(cpuDir);
          tryRmdir(memDir);
          if (acctDir !== undefined && acctDir !== cpuDir) tryRmdir(acctDir);
        },
      };
      groups.push(g);
      return g;
    },
    removeAll() {
      for (const g of groups) g.remove();
      tryRmdir(cpuBase);
      tryRmdir(memBase);
      if (acctBase !== undefined && acctBase !== cpuBase) tryRmdir(acctBase);
    },
  };
}

/** Parent folders where this machine's runs create their groups (v2 root, v1 own paths). */
function runParents(): string[] {
  const mounts = (read('/proc/self/mounts') ?? '').split('\n').map((l) => l.split(' '));
  const out: string[] = [];
  for (const m of mounts) {
    if (m[1] === undefined) continue;
    if (m[2] === 'cgroup2') out.push(m[1]);
    if (m[2] === 'cgroup') {
      for (const c of ['cpu', 'memory', 'cpuacct'])
        if ((m[3] ?? '').split(',').includes(c)) out.push(path.join(m[1], ownV1Path(c)));
    }
  }
  return out;
}

/** Group folders (rinha-<pid>-<time>) of runs whose runner pid is gone. */
function deadRunGroups(): string[] {
  const out: string[] = [];
  for (const parent of runParents()) {
    let entries: string[];
    try {
      entries = readdirSync(parent);
    } catch {
      continue;
    }
    for (const e of entries) {
      const m = /^rinha-(\d+)-\d+$/.exec(e);
      if (m !== null && !pidAlive(Number(m[1]))) out.push(path.join(parent, e));
    }
  }
  return out;
}

function serviceDirs(base: string): string[] {
  return readdirSync(base, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => path.join(base, d.name));
}

/**
 * A runner killed with SIGKILL cannot stop its services. Its groups are named after its pid:
 * when that pid is gone, kill whatever is still in them. Returns the pids killed.
 */
export function reapStaleRuns(): number[] {
  const killed: number[] = [];
  for (const base of deadRunGroups()) {
    for (const pid of pidsIn(serviceDirs(base).map((d) => path.join(d, 'cgroup.procs')))) {
      try {
        process.kill(pid, 'SIGKILL');
        killed.push(pid);
      } catch {
        // Already gone.
      }
    }
  }
  return killed;
}

/** Removes the groups of dead runs (once their processes are gone). */
export function removeStaleGroups(): void {
  for (const base of deadRunGroups()) {
    for (const dir of serviceDirs(base)) tryRmdir(dir);
    tryRmdir(base);
  }
}

export type CgroupProbe =
  | { readonly ok: true; readonly manager: CgroupManager }
  | { readonly ok: false; readonly reason: string };

/** Finds a usable cgroup hierarchy and creates this run's parent group, or says why it cannot. */
export function openCgroups(runId: string): CgroupProbe {
  if (process.platform !== 'linux') return { ok: false, reason: 'cgroups exist only on Linux' };
  if (process.getuid?.() !== 0)
    return { ok: false, reason: 'not running as root (cgroups need root)' };
  const mounts = (read('/proc/self/mounts') ?? '').split('\n').map((l) => l.split(' '));
  const errors: string[] = [];
  const unified = mounts.find((m) => m[2] === 'cgroup2');
  if (unified?.[1] !== undefined) {
    const controllers = (read(path.join(unified[1], 'cgroup.controllers')) ?? '').split(/\s+/);
    if (controllers.includes('cpu') && controllers.includes('memory')) {
      try {
        return { ok: true, manager: v2(unified[1], runId) };
      } catch (err) {
        errors.push(`cgroup v2 at ${unified[1]}: ${(err as Error).message}`);
      }
    }
  }
  const v1Mount = (controller: string) =>
    mounts.find((m) => m[2] === 'cgroup' && (m[3] ?? '').split(',').includes(controller))?.[1];
  const cpu = v1Mount('cpu');
  const memory = v1Mount('memory');
  const cpuacct = v1Mount('cpuacct');
  if (cpu !== undefined && memory !== undefined) {
    try {
      return {
        ok: true,
        manager: v1({ cpu, memory, ...(cpuacct === undefined ? {} : { cpuacct }) }, runId),
      };
    } catch (err) {
      errors.push(`cgroup v1: ${(err as Error).message}`);
    }
  } else errors.push('no cgroup hierarchy with both the cpu and memory controllers is mounted');
  return { ok: false, reason: errors.join('; ') };
}
