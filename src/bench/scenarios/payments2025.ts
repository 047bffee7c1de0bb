// The 2025 k6 test, faithfully: set-up (processors' token and purge, POST /purge-payments on the
// backend), ramping VUs that loop "POST /payments with a fresh UUID v4, sleep 1 s" each on its own
// keep-alive connection, the stage changes sent to both processors' admin endpoints, a consistency
// check every 10 s over [now − 15 s, now − 2 s], and the final summaries.
import { RinhaError } from '../../errors.js';
import { performance } from 'node:perf_hooks';
import { nowMs, Recorder } from '../core/recorder.js';
import {
  checkDifference,
  K6_REQUEST_TIMEOUT_MS,
  type Scenario2025,
  type ScoreWindow,
} from '../core/scenario2025.js';
import { vuWindows } from '../core/vus.js';
import { Worker } from 'node:worker_threads';
import { parseTarget, send, type Answer, type Target } from '../load/http1.js';
import { GeneratorMonitor } from '../load/monitor.js';
import type { VuBatch, VuDone, VuWorkerInput } from '../load/vu-worker.js';

export interface Run2025Options {
  readonly target: string;
  readonly defaultUrl: string;
  readonly fallbackUrl: string;
  /** The processors' admin token (set at start-up, as the official set-up does). */
  readonly token: string;
  readonly scenario: Scenario2025;
  /** Seconds between consistency checks (10 in the official test; shorter for quick runs). */
  readonly checkEverySec?: number;
  /** Worker threads running the VUs (default DEFAULT_VU_WORKERS). */
  readonly workers?: number;
  readonly onStart?: (rec: Recorder, totalSec: number) => void;
}

export interface BackendSummary {
  readonly default: { readonly totalRequests: number; readonly totalCents: number };
  readonly fallback: { readonly totalRequests: number; readonly totalCents: number };
}

export interface ProcessorSummary {
  readonly totalRequests: number;
  readonly totalCents: number;
  readonly fee: number;
}

export interface ConsistencyCheck {
  readonly atSec: number;
  readonly backend?: BackendSummary;
  readonly default?: ProcessorSummary;
  readonly fallback?: ProcessorSummary;
  /** By the scenario's formula (what is fined). */
  readonly inconsistencies: number;
  /** Per processor, |Δdefault| + |Δfallback| (stricter: a payment recorded under the wrong one). */
  readonly perProcessor: number;
  /** A summary that could not be read counts as zeros, as the official requests.js does. */
  readonly error?: string;
}

/** The summaries of one teardown window. */
export interface WindowSummaries {
  readonly window: ScoreWindow;
  readonly backend?: BackendSummary;
  readonly default?: ProcessorSummary;
  readonly fallback?: ProcessorSummary;
}

/** Seconds between consistency checks and the window they look at (recent official script). */
export const CHECK_EVERY_SEC = 10;
export const CHECK_FROM_SEC = 15;
export const CHECK_TO_SEC = 2;
/** A VU sleeps this long after each payment. */
const VU_SLEEP_MS = 1000;
const OK_POST = new Set([200, 201, 202, 204]);
/** VU threads by default, and at most (see docs/BENCHMARKS.md for the measured overhead). */
export const DEFAULT_VU_WORKERS = 1;
export const MAX_VU_WORKERS = 8;

function worstLag(xs: readonly VuDone['loopLagMs'][]): VuDone['loopLagMs'] {
  return {
    p50: Math.max(0, ...xs.map((x) => x.p50)),
    p99: Math.max(0, ...xs.map((x) => x.p99)),
    max: Math.max(0, ...xs.map((x) => x.max)),
  };
}

const toCents = (x: unknown) =>
  typeof x === 'number' && Number.isFinite(x) ? Math.round(x * 100) : NaN;

function json(a: Answer): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(a.body);
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function parseBackendSummary(a: Answer): BackendSummary | undefined {
  const j = json(a);
  const part = (k: string) => {
    const p = j?.[k] as Record<string, unknown> | undefined;
    const n = p?.totalRequests;
    const cents = toCents(p?.totalAmount);
    return typeof n === 'number' && Number.isInteger(n) && !Number.isNaN(cents)
      ? { totalRequests: n, totalCents: cents }
      : undefined;
  };
  const d = part('default');
  const f = part('fallback');
  return a.status === 200 && d && f ? { default: d, fallback: f } : undefined;
}

function parseProcessorSummary(a: Answer): ProcessorSummary | undefined {
  const j = json(a);
  const n = j?.totalRequests;
  const cents = toCents(j?.totalAmount);
  const fee = j?.feePerTransaction;
  return a.status === 200 &&
    typeof n === 'number' &&
    !Number.isNaN(cents) &&
    typeof fee === 'number'
    ? { totalRequests: n, totalCents: cents, fee }
    : undefined;
}

export interface Run2025 {
  readonly rec: Recorder;
  readonly posts: Recorder;
  readonly successfulPosts: number;
  readonly failedPosts: number;
  readonly inconsistencies: number;
  readonly checks: readonly ConsistencyCheck[];
  /** The teardown's summaries: the scenario's official window first, then the others. */
  readonly windows: readonly WindowSummaries[];
  readonly perSecond: { readonly default: number[]; readonly fallback: number[] };
  readonly generator: ReturnType<GeneratorMonitor['stop']> & {
    workers: number;
    vuThreadLoopLagMs: VuDone['loopLagMs'];
  };
  readonly purgeBackendStatus: number;
  readonly startEpochMs: number;
}

export async function runPayments2025(o: Run2025Options): Promise<Run2025> {
  const s = o.scenario.schedule;
  const backend = parseTarget(o.target);
  const pp = { default: parseTarget(o.defaultUrl), fallback: parseTarget(o.fallbackUrl) };
  const admin = { 'x-rinha-token': o.token };
  const rec = new Recorder(nowMs());
  const posts = new Recorder(rec.startMs);
  const monitor = new GeneratorMonitor();
  const timed = async (
    name: string,
    t: Target,
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    body?: string,
    headers = {},
  ) => {
    const at = nowMs();
    const a = await send(t, method, path, body, false, headers, K6_REQUEST_TIMEOUT_MS);
    const ok = a.status >= 200 && a.status < 400;
    rec.record(
      {
        name,
        status: a.status,
        ms: a.ms,
        ok,
        ...(ok ? {} : { failure: a.error ?? `${name}: status ${a.status}` }),
      },
      at,
    );
    return a;
  };

  // Set-up, as the official script's setup().
  for (const [name, t] of Object.entries(pp)) {
    const r = await timed(
      'setup',
      t,
      'PUT',
      '/admin/configurations/token',
      JSON.stringify({ token: o.token }),
      admin,
    );
    if (r.status !== 204 && r.status !== 200)
      throw new RinhaError(
        'BENCH_SETUP_FAILED',
        `processor ${name} refused the token set-up (status ${r.status || r.error}); is it running with token ${o.token}?`,
      );
  }
  for (const t of Object.values(pp))
    await timed('setup', t, 'POST', '/admin/purge-payments', undefined, admin);
  const purge = await timed('setup', backend, 'POST', '/purge-payments');

  const t0 = performance.now();
  const startEpochMs = nowMs();
  o.onStart?.(rec, s.durationSec);
  const elapsedSec = () => (performance.now() - t0) / 1000;
  let successfulPosts = 0;
  let failedPosts = 0;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const sleepUntil = (sec: number) => sleep(Math.max(0, sec * 1000 - (performance.now() - t0)));

  // Virtual users, spread round-robin over worker threads (see load/vu-worker.ts).
  const windows = vuWindows(1, [{ durationSec: s.durationSec, target: s.maxVUs }]);
  const workers = Math.max(1, Math.min(o.workers ?? DEFAULT_VU_WORKERS, MAX_VU_WORKERS));
  const workerLag: VuDone['loopLagMs'][] = [];
  const vus = Array.from({ length: workers }, (_, k) => {
    const input: VuWorkerInput = {
      target: backend,
      amount: s.amount,
      windows: windows.filter((_, i) => i % workers === k),
      startEpochMs,
      sleepMs: VU_SLEEP_MS,
      timeoutMs: K6_REQUEST_TIMEOUT_MS,
    };
    const w = new Worker(new URL('../load/vu-worker.js', import.meta.url), { workerData: input });
    return new Promise<void>((resolve, reject) => {
      let done = false;
      w.on('message', (m: VuBatch | VuDone) => {
        if (m.kind === 'done') {
          done = true;
          workerLag.push(m.loopLagMs);
          void w.terminate().then(() => resolve());
          return;
        }
        let e = 0;
        for (let i = 0; i < m.data.length; i += 3) {
          const status = m.data[i + 2]!;
          const success = OK_POST.has(status);
          if (success) successfulPosts++;
          else failedPosts++;
          const failure = status === 0 ? m.errors[e++] : `POST /payments: status ${status}`;
          const outcome = {
            name: 'POST /payments',
            status,
            ms: m.data[i + 1]!,
            ok: status >= 200 && status < 400,
            ...(success ? {} : { failure }),
          };
          rec.record(outcome, m.data[i]!);
          posts.record(outcome, m.data[i]!);
        }
        for (const l of m.lateness) monitor.lateBy(l);
      });
      w.once('error', reject);
      w.once('exit', (code) =>
        done
          ? resolve()
          : reject(
              new RinhaError(
                'GENERATOR_FAILED',
                `VU worker ${k} exited (code ${code}) before its VUs finished`,
              ),
            ),
      );
    });
  });

  // Stage changes, in order, as define_stage() does.
  const stages = (async () => {
    for (const st of s.stages) {
      await sleepUntil(st.atSec);
      // In define_stage's order: both delays, then both failure modes.
      const changes = [
        ['default', 'delay', { delay: st.default.delayMs }],
        ['fallback', 'delay', { delay: st.fallback.delayMs }],
        ['default', 'failure', { failure: st.default.failing }],
        ['fallback', 'failure', { failure: st.fallback.failing }],
      ] as const;
      for (const [p, what, body] of changes)
        await timed(
          'stage',
          pp[p],
          'PUT',
          `/admin/configurations/${what}`,
          JSON.stringify(body),
          admin,
        );
    }
  })();

  // Consistency checks: one VU looping check + sleep 10 s for the whole duration.
  const checks: ConsistencyCheck[] = [];
  let inconsistencies = 0;
  const audit = (async () => {
    while (elapsedSec() < s.durationSec) {
      const atSec = elapsedSec();
      const now = nowMs();
      const q = `?from=${new Date(now - CHECK_FROM_SEC * 1000).toISOString()}&to=${new Date(now - CHECK_TO_SEC * 1000).toISOString()}`;
      const [d, f, b] = await Promise.all([
        timed('consistency', pp.default, 'GET', `/admin/payments-summary${q}`, undefined, admin),
        timed('consistency', pp.fallback, 'GET', `/admin/payments-summary${q}`, undefined, admin),
        timed('consistency', backend, 'GET', `/payments-summary${q}`),
      ]);
      const ds = parseProcessorSummary(d);
      const fs = parseProcessorSummary(f);
      const bs = parseBackendSummary(b);
      // As the official requests.js: a summary that cannot be read counts as all zeros.
      const ours = {
        default: bs?.default.totalRequests ?? 0,
        fallback: bs?.fallback.totalRequests ?? 0,
      };
      const theirs = { default: ds?.totalRequests ?? 0, fallback: fs?.totalRequests ?? 0 };
      const n = checkDifference(o.scenario.consistency, ours, theirs);
      inconsistencies += n;
      rec.inconsistencies += n;
      checks.push({
        atSec,
        ...(bs ? { backend: bs } : {}),
        ...(ds ? { default: ds } : {}),
        ...(fs ? { fallback: fs } : {}),
        inconsistencies: n,
        perProcessor: checkDifference('per-processor', ours, theirs),
        ...(ds && fs && bs
          ? {}
          : {
              error: `unreadable summary (backend ${b.status}, default ${d.status}, fallback ${f.status}), counted as zeros`,
            }),
      });
      await sleep((o.checkEverySec ?? CHECK_EVERY_SEC) * 1000);
    }
  })();

  await Promise.all([...vus, stages]);
  await audit;

  // Teardown: the summaries over each scored window, ending now.
  const to = nowMs();
  const teardown: WindowSummaries[] = [];
  for (const window of [o.scenario.official, ...o.scenario.others]) {
    const q = `?from=${new Date(to - window.seconds * 1000).toISOString()}&to=${new Date(to).toISOString()}`;
    const [d, f, b] = await Promise.all([
      timed('teardown', pp.default, 'GET', `/admin/payments-summary${q}`, undefined, admin),
      timed('teardown', pp.fallback, 'GET', `/admin/payments-summary${q}`, undefined, admin),
      timed('teardown', backend, 'GET', `/payments-summary${q}`),
    ]);
    const [bs, ds, fs] = [
      parseBackendSummary(b),
      parseProcessorSummary(d),
      parseProcessorSummary(f),
    ];
    teardown.push({
      window,
      ...(bs ? { backend: bs } : {}),
      ...(ds ? { default: ds } : {}),
      ...(fs ? { fallback: fs } : {}),
    });
  }
  const generator = { ...monitor.stop(), workers, vuThreadLoopLagMs: worstLag(workerLag) };

  // After the test (not measured): payments per processor per second, for the report.
  const perSecond = { default: [] as number[], fallback: [] as number[] };
  const seconds = Math.ceil(s.durationSec) + 2;
  for (const [k, t] of Object.entries(pp) as ['default' | 'fallback', Target][]) {
    for (let sec = 0; sec < seconds; sec++) {
      const from = new Date(startEpochMs + sec * 1000).toISOString();
      const until = new Date(startEpochMs + sec * 1000 + 999).toISOString();
      perSecond[k].push(
        parseProcessorSummary(
          await send(
            t,
            'GET',
            `/admin/payments-summary?from=${from}&to=${until}`,
            undefined,
            false,
            admin,
          ),
        )?.totalRequests ?? 0,
      );
    }
  }

  return {
    rec,
    posts,
    successfulPosts,
    failedPosts,
    inconsistencies,
    checks,
    windows: teardown,
    perSecond,
    generator,
    purgeBackendStatus: purge.status,
    startEpochMs,
  };
}
