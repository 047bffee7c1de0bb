// A worker thread running a share of the 2025 test's virtual users: each VU loops
// "POST /payments with a fresh UUID v4, sleep 1 s" on its own keep-alive connection during its
// window, and the outcomes go back to the main thread in batches (so the main thread's own work —
// stage changes, consistency checks, progress — never delays a VU, and VUs spread over threads).
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import type { VuWindow } from '../core/vus.js';
import { send, type Target } from './http1.js';

export interface VuWorkerInput {
  readonly target: Target;
  readonly amount: number;
  readonly windows: readonly VuWindow[];
  /** Epoch ms of the test's start (the windows count from it). */
  readonly startEpochMs: number;
  readonly sleepMs: number;
  /** A POST unanswered this long is a failure (k6's request timeout). */
  readonly timeoutMs: number;
}

/** A batch: per request [epoch ms at start, latency ms, status]; errors for status-0 entries. */
export interface VuBatch {
  readonly kind: 'batch';
  readonly data: Float64Array;
  readonly errors: string[];
  readonly lateness: number[];
}

export interface VuDone {
  readonly kind: 'done';
  readonly loopLagMs: { p50: number; p99: number; max: number };
}

const BATCH_EVERY_MS = 100;
const LOOP_RESOLUTION_MS = 10;

if (parentPort !== null) {
  const port = parentPort;
  const input = workerData as VuWorkerInput;
  const epoch = () => performance.timeOrigin + performance.now();
  const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
  loop.enable();
  let buf: number[] = [];
  let errors: string[] = [];
  let lateness: number[] = [];
  const flush = () => {
    if (buf.length === 0 && lateness.length === 0) return;
    const data = Float64Array.from(buf);
    port.postMessage({ kind: 'batch', data, errors, lateness } satisfies VuBatch, [data.buffer]);
    buf = [];
    errors = [];
    lateness = [];
  };
  const timer = setInterval(flush, BATCH_EVERY_MS);
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));
  const body = (id: string) => `{"correlationId":"${id}","amount":${input.amount}}`;

  const vu = async (w: VuWindow) => {
    const startAt = input.startEpochMs + w.startSec * 1000;
    const endAt = input.startEpochMs + w.endSec * 1000;
    await sleep(startAt - epoch());
    lateness.push(Math.max(0, epoch() - startAt));
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      while (epoch() < endAt) {
        const at = epoch();
        const a = await send(
          input.target,
          'POST',
          '/payments',
          body(randomUUID()),
          agent,
          {},
          input.timeoutMs,
        );
        buf.push(at, a.ms, a.status);
        if (a.status === 0) errors.push(a.error ?? 'no answer');
        // An iteration is the POST and its sleep: k6's graceful stop lets the last one finish,
        // so the teardown starts about a second after the run's end.
        await sleep(input.sleepMs);
      }
    } finally {
      agent.destroy();
    }
  };

  void Promise.all(input.windows.map(vu)).then(() => {
    clearInterval(timer);
    flush();
    loop.disable();
    const lag = (v: number) => Math.round(Math.max(0, v / 1e6 - LOOP_RESOLUTION_MS) * 1000) / 1000;
    port.postMessage({
      kind: 'done',
      loopLagMs: {
        p50: lag(loop.percentile(50)),
        p99: lag(loop.percentile(99)),
        max: lag(loop.max),
      },
    } satisfies VuDone);
  });
}
