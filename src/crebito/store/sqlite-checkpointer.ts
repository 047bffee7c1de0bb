// Checkpoints the SQLite store's WAL off the event loop. SQLite's default makes the commit that
// takes the WAL past 1,000 pages copy them into the database file and fsync it, inside that
// request: measured outside any cgroup, one commit in ~317 took 2.6-8.9 ms instead of 0.03
// (docs/BENCHMARKS.md, session 14), a stall of everything the API holds. A worker thread runs a
// PASSIVE checkpoint every SQLITE_CHECKPOINT_EVERY_MS instead; the API's own connection keeps an
// auto-checkpoint far above what the worker lets accumulate, so the WAL stays bounded even if the
// worker falls behind, and SQLite's default comes back if the worker fails.
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';

/** How often the worker checkpoints: ~100 WAL pages at the official test's peak write rate. */
export const SQLITE_CHECKPOINT_EVERY_MS = 200;
/** The API connection's own auto-checkpoint while the worker runs (pages, 16 MB of WAL): with the
 * worker ahead, the commit that reaches it copies a few frames only and restarts the WAL. */
export const SQLITE_BACKSTOP_AUTOCHECKPOINT_PAGES = 4000;
/** SQLite's default, restored on the API connection if the worker fails. */
export const SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES = 1000;
/** How long close() waits for the worker to close its connection before terminating it. */
const STOP_TIMEOUT_MS = 2000;
/** Callers waiting for the next checkpoint (tests and diagnostics; never the request path). */
const MAX_WAITERS = 16;
/** The worker's V8 heap: it holds one connection and a timer. */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1 } as const;

export interface CheckpointerInput {
  readonly file: string;
  readonly everyMs: number;
}

export interface CheckpointResult {
  /** The checkpoint could not copy every frame (a reader still needed the older ones). */
  readonly busy: boolean;
  /** Frames in the WAL, and how many of them are now in the database file. */
  readonly log: number;
  readonly checkpointed: number;
}

export type CheckpointerMessage =
  | { readonly kind: 'ready' }
  | ({ readonly kind: 'checkpoint' } & CheckpointResult)
  | { readonly kind: 'failed'; readonly message: string };

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly waiters: { resolve(r: CheckpointResult): void; reject(e: Error): void }[] = [];
  private readonly exited: Promise<void>;
  private done = false;

  /** `onFailure` runs at most once, if the worker stops without being asked to. */
  constructor(
    file: string,
    private readonly onFailure: (reason: string) => void,
    everyMs: number = SQLITE_CHECKPOINT_EVERY_MS,
  ) {
    assert(everyMs > 0, 'checkpoint interval must be positive');
    const input: CheckpointerInput = { file, everyMs };
    this.worker = new Worker(new URL('./sqlite-checkpoint-worker.js', import.meta.url), {
      workerData: input,
      resourceLimits: WORKER_LIMITS,
    });
    // A store someone forgot to close must not keep the process alive.
    this.worker.unref();
    this.worker.on('message', (m: CheckpointerMessage) => this.onMessage(m));
    this.worker.on('error', (err) => this.fail(err.message));
    this.exited = new Promise((resolve) => {
      this.worker.once('exit', (code) => {
        this.fail(`worker exited (code ${code})`);
        resolve();
      });
    });
  }

  /** The next checkpoint that copied frames into the database file. */
  nextCheckpoint(): Promise<CheckpointResult> {
    assert(!this.done, 'the checkpointer has stopped');
    assert(this.waiters.length < MAX_WAITERS, 'too many callers waiting for a checkpoint');
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Asks the worker to close its connection; terminates it if it does not within the bound. */
  async stop(): Promise<void> {
    if (this.done) return this.exited;
    this.done = true;
    this.worker.postMessage('stop');
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), STOP_TIMEOUT_MS);
    });
    if ((await Promise.race([this.exited, late])) === 'late') await this.worker.terminate();
    clearTimeout(timer);
  }

  private onMessage(m: CheckpointerMessage): void {
    if (m.kind === 'failed') {
      this.fail(m.message);
      return;
    }
    if (m.kind !== 'checkpoint' || m.checkpointed === 0) return;
    for (const w of this.waiters.splice(0)) w.resolve(m);
  }

  private fail(reason: string): void {
    if (this.done) return;
    this.done = true;
    for (const w of this.waiters.splice(0)) w.reject(new Error(`checkpointer failed: ${reason}`));
    void this.worker.terminate();
    this.onFailure(reason);
  }
}
