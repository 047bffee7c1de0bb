// Warm before ready: an instance answers its first request as fast as its thousandth only if
// its pools are connected, its statements prepared and its hot paths compiled by the JIT. So
// before it listens where the balancer looks, it serves a few hundred requests that change
// nothing (reads, refused debits, invalid bodies) through its real route on a private socket,
// with as many connections at once as its database pool has, and ends with a full GC when the
// process allows one (compactHeap).
import { rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { RinhaError } from '../errors.js';
import type { EdgeOptions, Route } from './edge.js';
import { closeServer, listen, PRIVATE_SOCKET_MODE } from './listen.js';

export interface WarmRequest {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly body?: string;
  /** The answer a request that changes nothing gets (a 2xx read, a 4xx refusal); any if unset. */
  readonly expect?: number;
}

export interface WarmUpOptions {
  /** Times the whole list is sent. */
  readonly rounds: number;
  /** Requests at once (the database pool's size: every connection gets used and prepared). */
  readonly concurrency: number;
}

export interface WarmUpReport {
  readonly requests: number;
  readonly ms: number;
  /** The slowest of the last round: what a first real request would now see. */
  readonly lastRoundMaxMs: number;
  /** V8 heap in use after the closing full GC, MB; absent when the process has no `gc`. */
  readonly heapAfterMB?: number;
}

/**
 * One full GC, when the process was started with --expose-gc: the warm-up's garbage is gone
 * before the instance is ready, so the old space starts the test at its live size (and V8 sets
 * the next mark-compact's limit from it). Returns the heap in use after it, MB.
 */
export function compactHeap(): number | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return undefined;
  gc();
  return Math.round(process.memoryUsage().heapUsed / 1e5) / 10;
}

/** The instance's log line for its warm-up; `detail` goes inside the parentheses. */
export function describeWarmUp(w: WarmUpReport, detail?: string): string {
  return (
    `warm: ${w.requests} requests in ${w.ms} ms (slowest of the last round ${w.lastRoundMaxMs} ms${detail === undefined ? '' : `, ${detail}`})` +
    (w.heapAfterMB === undefined ? '' : `; heap compacted to ${w.heapAfterMB} MB`)
  );
}

/** Serves `route` on a private socket of its own for the warm-up, then closes it. */
export async function warmUp(
  route: Route,
  requests: readonly WarmRequest[],
  o: WarmUpOptions,
  edge: EdgeOptions = {},
): Promise<WarmUpReport> {
  const socket = path.join(os.tmpdir(), `rinha-warm-${process.pid}-${Date.now()}.sock`);
  const server = await listen(route, { socket, mode: PRIVATE_SOCKET_MODE }, edge);
  let report: WarmUpReport;
  try {
    report = await sendWarmRequests({ socketPath: socket }, requests, o);
  } finally {
    await closeServer(server);
    rmSync(socket, { force: true });
  }
  const heapAfterMB = compactHeap();
  return heapAfterMB === undefined ? report : { ...report, heapAfterMB };
}

/**
 * Sends the warm-up requests to a socket or an origin (the stack runner warms the balancer's
 * upstream connections through its public port the same way).
 */
export async function sendWarmRequests(
  target: { readonly socketPath: string } | { readonly origin: string },
  requests: readonly WarmRequest[],
  o: WarmUpOptions,
): Promise<WarmUpReport> {
  const pool =
    'socketPath' in target
      ? new Pool('http://warm', {
          socketPath: target.socketPath,
          connections: o.concurrency,
          pipelining: 1,
        })
      : new Pool(target.origin, { connections: o.concurrency, pipelining: 1 });
  const t0 = performance.now();
  let lastRoundMaxMs = 0;
  let sent = 0;
  try {
    for (let round = 0; round < o.rounds; round++) {
      let next = 0;
      let roundMax = 0;
      const worker = async () => {
        while (next < requests.length) {
          const r = requests[next++]!;
          const start = performance.now();
          const res = await pool.request({
            method: r.method,
            path: r.path,
            ...(r.body === undefined
              ? {}
              : { body: r.body, headers: { 'content-type': 'application/json' } }),
          });
          await res.body.dump();
          roundMax = Math.max(roundMax, performance.now() - start);
          sent++;
          if (r.expect !== undefined && res.statusCode !== r.expect)
            throw new RinhaError(
              'STORE_UNAVAILABLE',
              `warm-up: ${r.method} ${r.path} answered ${res.statusCode}, not ${r.expect}`,
            );
        }
      };
      await Promise.all(Array.from({ length: o.concurrency }, worker));
      lastRoundMaxMs = roundMax;
    }
  } finally {
    await pool.close();
  }
  return {
    requests: sent,
    ms: Math.round(performance.now() - t0),
    lastRoundMaxMs: Math.round(lastRoundMaxMs * 100) / 100,
  };
}
