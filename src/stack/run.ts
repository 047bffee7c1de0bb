// The skeleton every system's `rinha up` shares: the run folder (logs, services.json), a short
// private scratch folder (unix socket paths are limited to ~107 bytes) with a public part the
// balancer reaches and a private part only the services' user can, fixed ports checked before
// anything starts, readiness waits bounded by the run's deadline and its abort signal, launches
// as an unprivileged user, and one stop that undoes all of it. What a system runs is its own
// `stack.ts`; how it is run is here.
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Limits } from './cgroups.js';
import { removeDescriptor, writeDescriptor } from './descriptor.js';
import { assertPortsFree } from './probe.js';
import type { Service, ServiceSpec } from './service.js';
import { SCRATCH_PREFIX, Stack, waitUntil } from './stack.js';
import { serviceUser, type ServiceKind } from './users.js';

/** RAM-backed filesystem (the throwaway PostgreSQL cluster lives there by default). */
export const SHM = '/dev/shm';

export interface RunOptions {
  /** Names the default run folder: runs/<date>-<label>-<pid>. */
  readonly label: string;
  readonly runDir?: string;
  /** Apply the cgroup limits (default true). */
  readonly limits?: boolean;
  readonly log?: (m: string) => void;
  /** Aborts the start-up (Ctrl-C while starting): what was started is stopped. */
  readonly signal?: AbortSignal;
  /** Fixed ports that must be free before anything starts. */
  readonly ports: readonly { readonly port: number; readonly what: string }[];
  /** Deadline of each readiness wait. */
  readonly readyTimeoutMs: number;
}

export type LaunchSpec = Omit<ServiceSpec, 'logFile' | 'user'> & {
  /** Run as the unprivileged user of this kind (when the runner is root); default: as spec'd. */
  readonly runAs?: ServiceKind;
  readonly user?: ServiceSpec['user'];
};

export interface Run {
  readonly stack: Stack;
  readonly runDir: string;
  /** Private scratch folder of this run, removed at stop. */
  readonly scratch: string;
  /** Sockets the balancer connects to (the APIs' public listeners). */
  readonly publicDir: string;
  /** Sockets only the services' own user reaches (instance to instance, Redis). */
  readonly privateDir: string;
  readonly log: (m: string) => void;
  launch(spec: LaunchSpec, limits: Limits): Service;
  /** Waits for a probe; fails at once if `service` exits, or the start-up is aborted. */
  ready(what: string, probe: () => Promise<boolean>, service?: Service): Promise<void>;
  /** Removes `dir` when the run stops (e.g. a database cluster's files). */
  removeAtStop(dir: string): void;
  /**
   * Announces the ready stack on its public port (stack/descriptor.ts) so `rinha bench` can read
   * its services' CPU, throttling and memory; withdrawn at stop.
   */
  publish(system: string, port: number, variant: string): void;
  stop(): Promise<void>;
}

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

/** A folder the given kind of service owns (mode 0700), or ours when we are not root. */
function ownedDir(dir: string, kind: ServiceKind, mode: number): string {
  mkdirSync(dir, { mode });
  const u = serviceUser(kind);
  if (u !== undefined) chownSync(dir, u.uid, u.gid);
  chmodSync(dir, mode);
  return dir;
}

/** The runs this process has open, so that a signal can stop them all (see stopOpenRuns). */
const openRuns = new Set<Run>();

/**
 * Stops every run this process still has open: for a command (e.g. `rinha bench --baseline`) that
 * starts stacks of its own and is interrupted, so no service outlives it.
 */
export async function stopOpenRuns(): Promise<void> {
  await Promise.allSettled([...openRuns].map((r) => r.stop()));
}

export async function openRun(o: RunOptions): Promise<Run> {
  const log = o.log ?? ((m: string) => console.log(`[rinha] ${m}`));
  await assertPortsFree(o.ports);
  const runDir = path.resolve(
    o.runDir ?? path.join('runs', `${stamp()}-${o.label}-${process.pid}`),
  );
  const scratch = mkdtempSync(path.join(os.tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  chmodSync(scratch, 0o755);
  const cleanup = [scratch];
  let published: number | undefined;
  let stack: Stack;
  try {
    stack = await Stack.open({
      runDir,
      limits: o.limits ?? true,
      log,
      scratchDirs: [os.tmpdir(), SHM],
    });
  } catch (err) {
    rmSync(scratch, { recursive: true, force: true });
    throw err;
  }
  log(`run folder: ${runDir}`);
  const publicDir = ownedDir(path.join(scratch, 'public'), 'app', 0o755);
  const privateDir = ownedDir(path.join(scratch, 'private'), 'app', 0o700);
  const run: Run = {
    stack,
    runDir,
    scratch,
    publicDir,
    privateDir,
    log,
    launch(spec, limits) {
      const { runAs, ...rest } = spec;
      const user = runAs === undefined ? spec.user : serviceUser(runAs);
      return stack.launch({ ...rest, ...(user === undefined ? {} : { user }) }, limits);
    },
    ready: (what, probe, service) =>
      waitUntil(what, probe, {
        timeoutMs: o.readyTimeoutMs,
        ...(service === undefined ? {} : { service }),
        ...(o.signal === undefined ? {} : { signal: o.signal }),
      }),
    removeAtStop: (dir) => void cleanup.push(dir),
    publish(system, port, variant) {
      writeDescriptor({
        pid: process.pid,
        system,
        port,
        runDir,
        variant,
        services: stack.describeServices(),
      });
      published = port;
    },
    async stop() {
      openRuns.delete(run);
      if (published !== undefined) removeDescriptor(published, process.pid);
      await stack.stop();
      for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
    },
  };
  openRuns.add(run);
  return run;
}

/** The run options every system's `up` takes from its caller, passed through as given. */
export function callerRunOptions(o: {
  readonly runDir?: string;
  readonly limits?: boolean;
  readonly log?: (m: string) => void;
  readonly signal?: AbortSignal;
}): Pick<RunOptions, 'runDir' | 'limits' | 'log' | 'signal'> {
  return {
    ...(o.runDir === undefined ? {} : { runDir: o.runDir }),
    ...(o.limits === undefined ? {} : { limits: o.limits }),
    ...(o.log === undefined ? {} : { log: o.log }),
    ...(o.signal === undefined ? {} : { signal: o.signal }),
  };
}

/**
 * Opens a run and builds a stack in it: if `build` fails (or is aborted) everything it started
 * is stopped before the error goes on.
 */
export async function buildStack<T>(o: RunOptions, build: (run: Run) => Promise<T>): Promise<T> {
  const run = await openRun(o);
  try {
    return await build(run);
  } catch (err) {
    await run.stop();
    throw err;
  }
}
