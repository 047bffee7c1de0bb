// One supervised process of a local stack: spawned in its own process group, confined to its
// cgroup (joined before exec), optionally as another user, with stdout+stderr appended to a log.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { ServiceGroup } from './cgroups.js';

export interface ServiceSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Run as this user (via setpriv) instead of root, e.g. PostgreSQL refuses to run as root. */
  readonly user?: { readonly uid: number; readonly gid: number };
  /** Signal asking for a clean, fast stop (PostgreSQL: SIGINT; nginx and Node: SIGTERM). */
  readonly stopSignal?: NodeJS.Signals;
  readonly logFile: string;
}

export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How long a service may take to stop after its stop signal before it is killed. */
export const STOP_GRACE_MS = 8000;

// Joins every cgroup.procs listed in RINHA_CGROUP_PROCS (colon-separated), then execs the service.
const JOIN_AND_EXEC =
  'IFS=:; for f in $RINHA_CGROUP_PROCS; do echo $$ > "$f" || exit 97; done; unset IFS; exec "$@"';

export class Service {
  private child: ChildProcess | undefined;
  private exitPromise: Promise<Exit> = Promise.resolve({ code: null, signal: null });
  private stopping = false;
  /** Called when the process ends without being asked to. */
  onUnexpectedExit: (exit: Exit) => void = () => {};

  constructor(
    readonly spec: ServiceSpec,
    readonly group: ServiceGroup | undefined,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return (
      this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null
    );
  }

  start(): void {
    assert(!this.running, `${this.spec.name} is already running`);
    const { spec } = this;
    let argv = [spec.command, ...spec.args];
    if (spec.user)
      argv = [
        'setpriv',
        `--reuid=${spec.user.uid}`,
        `--regid=${spec.user.gid}`,
        '--clear-groups',
        '--',
        ...argv,
      ];
    const log = openSync(spec.logFile, 'a');
    try {
      this.child = spawn('sh', ['-c', JOIN_AND_EXEC, 'sh', ...argv], {
        detached: true,
        stdio: ['ignore', log, log],
        cwd: spec.cwd,
        env: {
          ...(spec.env ?? process.env),
          RINHA_CGROUP_PROCS: (this.group?.procsFiles ?? []).join(':'),
        },
      });
    } finally {
      closeSync(log);
    }
    this.stopping = false;
    const child = this.child;
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        const exit = { code, signal };
        if (!this.stopping) this.onUnexpectedExit(exit);
        resolve(exit);
      });
      child.once('error', () => resolve({ code: null, signal: null }));
    });
  }

  exited(): Promise<Exit> {
    return this.exitPromise;
  }

  /** Sends a signal to the main process only (a PostgreSQL postmaster manages its children). */
  signal(sig: NodeJS.Signals): void {
    if (this.running && this.child?.pid !== undefined) process.kill(this.child.pid, sig);
  }

  /** Stops cleanly, then kills the whole process group and whatever is left in the cgroup. */
  async stop(graceMs = STOP_GRACE_MS): Promise<Exit> {
    this.stopping = true;
    const pid = this.child?.pid;
    if (pid === undefined) return { code: null, signal: null };
    if (this.running) this.signal(this.spec.stopSignal ?? 'SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([
      this.exitPromise,
      new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), graceMs))),
    ]);
    clearTimeout(timer);
    killGroup(pid);
    for (const p of this.group?.pids() ?? []) killQuietly(p);
    return exit ?? (await this.exitPromise);
  }

  /** kill -9 of the main process, as a crash would. */
  crash(): void {
    this.signal('SIGKILL');
  }
}

function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // The group is already gone.
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}
