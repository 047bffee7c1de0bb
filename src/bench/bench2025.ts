// `rinha bench 2025-preview | 2025-final-like`: run the k6-equivalent test against a backend and
// two processors, score it as the official handleSummary does, write result.json + report.html.
import { k6Percentile } from './core/percentiles.js';
import { score2025 } from './core/scoring2025.js';
import type { Schedule2025 } from './core/schedule2025.js';
import { runPayments2025, type Run2025 } from './scenarios/payments2025.js';
import { upPayments } from '../payments/stack.js';
import { renderReport } from './report/html.js';
import { Progress } from './report/progress.js';
import { exactStats, timeline } from './report/stats.js';
import { reportDir, writeReport } from './report/write.js';

export interface Bench2025Options {
  readonly target: string;
  readonly defaultUrl: string;
  readonly fallbackUrl: string;
  readonly token: string;
  readonly schedule: Schedule2025;
  /** Gross from the backend's summary (preview script) or the processors' (final script). */
  readonly grossFrom: 'backend' | 'processors';
  readonly seed?: number;
  readonly reportsBase: string;
  readonly progress: boolean;
  readonly participant?: string;
  /** Seconds between consistency checks (default: the official 10). */
  readonly checkEverySec?: number;
  /** Worker threads for the VUs. */
  readonly workers?: number;
  /** First run the same schedule against the canned floor of the topology (own simulators). */
  readonly baseline?: boolean;
  readonly log?: (m: string) => void;
}

/** Ports of the canned floor stack and its simulators (never the target's). */
export const BASELINE_2025_PORTS = { api: 19999, default: 18901, fallback: 18902 } as const;

function score(run: Run2025, o: Bench2025Options) {
  const okAll = run.rec.ok.values();
  const b = run.final.backend;
  const fee = (k: 'default' | 'fallback', dflt: number) => run.final[k]?.fee ?? dflt;
  const source =
    o.grossFrom === 'backend'
      ? b
      : run.final.default && run.final.fallback
        ? { default: run.final.default, fallback: run.final.fallback }
        : undefined;
  return score2025({
    p99Ms: k6Percentile(okAll, 99),
    inconsistencies: run.inconsistencies,
    successfulPosts: run.successfulPosts,
    failedPosts: run.failedPosts,
    maxRequests: o.schedule.maxVUs,
    // The lag and the recorded counts always come from the backend's summary, as in the script.
    default: {
      totalRequests: b?.default.totalRequests ?? 0,
      totalCents: source?.default.totalCents ?? 0,
      fee: fee('default', 0.05),
    },
    fallback: {
      totalRequests: b?.fallback.totalRequests ?? 0,
      totalCents: source?.fallback.totalCents ?? 0,
      fee: fee('fallback', 0.15),
    },
    ...(o.participant ? { participant: o.participant } : {}),
  });
}

async function runOnce(
  o: Bench2025Options,
  target: string,
  defaultUrl: string,
  fallbackUrl: string,
  label: string,
): Promise<Run2025> {
  let progress: Progress | undefined;
  const run = await runPayments2025({
    target,
    defaultUrl,
    fallbackUrl,
    token: o.token,
    schedule: o.schedule,
    ...(o.checkEverySec === undefined ? {} : { checkEverySec: o.checkEverySec }),
    ...(o.workers === undefined ? {} : { workers: o.workers }),
    onStart: (rec, totalSec) => {
      if (!o.progress) return;
      progress = new Progress(
        rec,
        label,
        totalSec,
        process.stderr,
        () => `  inconsistencies ${rec.inconsistencies}`,
      );
      progress.start();
    },
  });
  progress?.stop();
  return run;
}

export async function bench2025(o: Bench2025Options) {
  let baseline:
    | {
        allSuccessfulRequests: ReturnType<typeof exactStats>;
        postPayments: ReturnType<typeof exactStats>;
        p99: string;
      }
    | undefined;
  if (o.baseline) {
    const log = o.log ?? (() => {});
    log(`baseline: starting the canned topology on port ${BASELINE_2025_PORTS.api}`);
    const floor = await upPayments({
      canned: true,
      port: BASELINE_2025_PORTS.api,
      simulatorPorts: [BASELINE_2025_PORTS.default, BASELINE_2025_PORTS.fallback],
      log: (m) => log(`baseline: ${m}`),
    });
    try {
      const b = await runOnce(
        o,
        `http://127.0.0.1:${floor.port}`,
        floor.processors.default,
        floor.processors.fallback,
        'baseline',
      );
      baseline = {
        allSuccessfulRequests: exactStats(b.rec.ok),
        postPayments: exactStats(b.posts.all),
        p99: `${Math.round(k6Percentile(b.rec.ok.values(), 99) * 100) / 100}ms`,
      };
    } finally {
      await floor.stop();
    }
  }
  const startedAt = new Date();
  const run = await runOnce(o, o.target, o.defaultUrl, o.fallbackUrl, o.schedule.name);
  const official = score(run, o);
  const pp = run.final;
  const processedDefault = pp.default?.totalRequests ?? 0;
  const processedFallback = pp.fallback?.totalRequests ?? 0;
  const extras = {
    postPayments: exactStats(run.posts.all),
    allSuccessfulRequests: exactStats(run.rec.ok),
    httpErrorsByKind: run.rec.failures,
    statuses: run.rec.statuses,
    defaultShare:
      processedDefault + processedFallback === 0
        ? 0
        : Math.round((processedDefault / (processedDefault + processedFallback)) * 10000) / 100,
    processors: pp,
    backendSummary: pp.backend,
    backendMatchesProcessors:
      pp.backend !== undefined &&
      pp.default !== undefined &&
      pp.fallback !== undefined &&
      pp.backend.default.totalRequests === pp.default.totalRequests &&
      pp.backend.fallback.totalRequests === pp.fallback.totalRequests,
    purgeBackendStatus: run.purgeBackendStatus,
    generator: run.generator,
    ...(baseline ? { baseline } : {}),
  };
  const result = {
    ...official,
    scenario: o.schedule.name,
    target: o.target,
    startedAt: startedAt.toISOString(),
    seed: o.seed ?? null,
    schedule: o.schedule,
    grossFrom: o.grossFrom,
    extras,
    consistencyChecks: run.checks,
    timeline: timeline(run.rec),
    paymentsPerSecond: run.perSecond,
  };
  const dir = reportDir(o.reportsBase, o.schedule.name, startedAt);
  const bands = o.schedule.stages.map((st, i) => {
    const end = o.schedule.stages[i + 1]?.atSec ?? o.schedule.durationSec;
    const bad = st.default.failing
      ? '#f4a3a3'
      : st.default.delayMs >= 1000
        ? '#f7d08a'
        : st.default.delayMs > 0
          ? '#fbeec1'
          : '#d8f0d8';
    return {
      from: st.atSec,
      to: end,
      color: bad,
      label: `${st.atSec}s: default ${st.default.delayMs}ms${st.default.failing ? ' failing' : ''}; fallback ${st.fallback.delayMs}ms${st.fallback.failing ? ' failing' : ''}`,
    };
  });
  const html = renderReport({
    title: `Payments ${o.schedule.name} — ${o.target} — ${startedAt.toISOString()}`,
    headline: [
      ['total_liquido (score)', official.total_liquido.toFixed(2)],
      [
        'p99 (all successful requests)',
        `${official.p99.valor} → bonus ${official.p99.bonus}${baseline ? ` (canned floor ${baseline.p99})` : ''}`,
      ],
      [
        'inconsistencies',
        `${official.multa.composicao.num_inconsistencias} (fine ${official.multa.porcentagem * 100}%)`,
      ],
      [
        'lag',
        `${official.lag.lag} (${official.lag.num_pagamentos_solicitados} accepted, ${official.lag.num_pagamentos_total} recorded)`,
      ],
      [
        'payments via default',
        `${processedDefault} (${extras.defaultShare}%), via fallback ${processedFallback}`,
      ],
      [
        'POST /payments',
        `p50 ${extras.postPayments.p50} ms, p99 ${extras.postPayments.p99} ms, p99.9 ${extras.postPayments.p999} ms, max ${extras.postPayments.max} ms`,
      ],
      [
        'generator',
        `${run.generator.workers} VU thread(s): event-loop lag p99 ${run.generator.vuThreadLoopLagMs.p99} ms (main ${run.generator.eventLoopLagMs.p99} ms), VU start lateness p99 ${run.generator.startLatenessMs.p99} ms, CPU ${run.generator.cpuPercentOfOneCore}% of a core`,
      ],
    ],
    tables: [
      {
        caption: 'Stages (sent to both processors)',
        rows: [
          ['at s', 'default delay ms', 'default failing', 'fallback delay ms', 'fallback failing'],
          ...o.schedule.stages.map((st) => [
            String(st.atSec),
            String(st.default.delayMs),
            String(st.default.failing),
            String(st.fallback.delayMs),
            String(st.fallback.failing),
          ]),
        ],
      },
      {
        caption: 'Consistency checks',
        rows: [
          [
            'at s',
            'backend default',
            'processor default',
            'backend fallback',
            'processor fallback',
            'inconsistencies',
          ],
          ...run.checks.map((c) => [
            c.atSec.toFixed(1),
            String(c.backend?.default.totalRequests ?? '?'),
            String(c.default?.totalRequests ?? '?'),
            String(c.backend?.fallback.totalRequests ?? '?'),
            String(c.fallback?.totalRequests ?? '?'),
            c.error ?? String(c.inconsistencies),
          ]),
        ],
      },
      {
        caption: 'HTTP errors by kind',
        rows: [
          ['kind', 'count'],
          ...(Object.keys(extras.httpErrorsByKind).length === 0
            ? [['none', '0']]
            : Object.entries(extras.httpErrorsByKind).map(([k, v]) => [k, String(v)])),
        ],
      },
    ],
    timeline: result.timeline,
    statuses: run.rec.statuses,
    extraSeries: {
      title: 'Payments processed per second, by processor',
      yLabel: 'payments/s',
      series: [
        {
          name: 'default',
          color: '#2a9d8f',
          points: run.perSecond.default.map((v, i) => [i, v] as const),
        },
        {
          name: 'fallback',
          color: '#e76f51',
          points: run.perSecond.fallback.map((v, i) => [i, v] as const),
        },
      ],
    },
    bands,
  });
  writeReport(dir, result, html);
  return { result, dir, run };
}
