// `rinha bench 2025-preview | 2025-final | 2025-final-like`: run the k6-equivalent test against a
// backend and two processors, score it as the official handleSummary does over each teardown
// window of the scenario, and write result.json + report.html. When the stack under test was
// started by `rinha up` on this machine, its services' CPU, throttling and memory during the run
// are part of the result.
import { feeFraction, type Fees } from '../payments/core/fees.js';
import { upPayments } from '../payments/stack.js';
import { k6Percentile } from './core/percentiles.js';
import type { Scenario2025 } from './core/scenario2025.js';
import { score2025, type Score2025 } from './core/scoring2025.js';
import { StackWatch, type StackUsage } from './load/stack-watch.js';
import { renderReport } from './report/html.js';
import { runMeta } from './report/meta.js';
import { Progress } from './report/progress.js';
import { exactStats, timeline } from './report/stats.js';
import { usageCharts, usageTable } from './report/usage-charts.js';
import { reportDir, writeReport } from './report/write.js';
import { runPayments2025, type Run2025, type WindowSummaries } from './scenarios/payments2025.js';

export interface Bench2025Options {
  readonly target: string;
  readonly defaultUrl: string;
  readonly fallbackUrl: string;
  readonly token: string;
  readonly scenario: Scenario2025;
  readonly seed?: number;
  readonly reportsBase: string;
  readonly progress: boolean;
  readonly participant?: string;
  /** Seconds between consistency checks (default: the official 10). */
  readonly checkEverySec?: number;
  /** Worker threads for the VUs. */
  readonly workers?: number;
  /** First run the same scenario against the canned floor of the topology (own simulators). */
  readonly baseline?: boolean;
  readonly log?: (m: string) => void;
}

/** Ports of the canned floor stack and its simulators (never the target's). */
export const BASELINE_2025_PORTS = { api: 19999, default: 18901, fallback: 18902 } as const;

/** The official score over one teardown window. */
function scoreWindow(run: Run2025, o: Bench2025Options, w: WindowSummaries): Score2025 {
  const fee = (k: 'default' | 'fallback') => w[k]?.fee ?? feeFraction(o.scenario.fees, k);
  const counts =
    o.scenario.grossFrom === 'backend'
      ? w.backend
      : w.default && w.fallback
        ? { default: w.default, fallback: w.fallback }
        : undefined;
  return score2025({
    p99Ms: k6Percentile(run.rec.ok.values(), 99),
    inconsistencies: run.inconsistencies,
    successfulPosts: run.successfulPosts,
    failedPosts: run.failedPosts,
    maxRequests: o.scenario.schedule.maxVUs,
    default: {
      totalRequests: counts?.default.totalRequests ?? 0,
      totalCents: counts?.default.totalCents ?? 0,
      fee: fee('default'),
    },
    fallback: {
      totalRequests: counts?.fallback.totalRequests ?? 0,
      totalCents: counts?.fallback.totalCents ?? 0,
      fee: fee('fallback'),
    },
    ...(o.participant ? { participant: o.participant } : {}),
  });
}

/** Fees the processors reported that differ from the scenario's (a wrong `rinha up --fees`). */
function feeMismatch(run: Run2025, fees: Fees): string | undefined {
  const w = run.windows[0];
  const wrong = (['default', 'fallback'] as const).filter(
    (k) => w?.[k] !== undefined && w[k]!.fee !== feeFraction(fees, k),
  );
  if (wrong.length === 0) return undefined;
  return `the processors charge ${w?.default?.fee ?? '?'} / ${w?.fallback?.fee ?? '?'}, the scenario expects ${fees.default} / ${fees.fallback} (start them with \`rinha up 2025 --fees ${fees.default},${fees.fallback}\`)`;
}

async function runOnce(
  o: Bench2025Options,
  target: string,
  defaultUrl: string,
  fallbackUrl: string,
  label: string,
): Promise<{ run: Run2025; usage?: StackUsage }> {
  let progress: Progress | undefined;
  const watch = StackWatch.find(Number(new URL(target).port || 80));
  const run = await runPayments2025({
    target,
    defaultUrl,
    fallbackUrl,
    token: o.token,
    scenario: o.scenario,
    ...(o.checkEverySec === undefined ? {} : { checkEverySec: o.checkEverySec }),
    ...(o.workers === undefined ? {} : { workers: o.workers }),
    onStart: (rec, totalSec) => {
      watch?.start();
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
  const usage = watch?.stop(run.rec.total);
  return { run, ...(usage ? { usage } : {}) };
}

export async function bench2025(o: Bench2025Options) {
  const log = o.log ?? (() => {});
  const schedule = o.scenario.schedule;
  let baseline:
    | {
        allSuccessfulRequests: ReturnType<typeof exactStats>;
        postPayments: ReturnType<typeof exactStats>;
        p99: string;
        usage?: StackUsage;
      }
    | undefined;
  if (o.baseline) {
    log(`baseline: starting the canned topology on port ${BASELINE_2025_PORTS.api}`);
    const floor = await upPayments({
      canned: true,
      port: BASELINE_2025_PORTS.api,
      simulatorPorts: [BASELINE_2025_PORTS.default, BASELINE_2025_PORTS.fallback],
      fees: o.scenario.fees,
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
        allSuccessfulRequests: exactStats(b.run.rec.ok),
        postPayments: exactStats(b.run.posts.all),
        p99: `${Math.round(k6Percentile(b.run.rec.ok.values(), 99) * 100) / 100}ms`,
        ...(b.usage ? { usage: b.usage } : {}),
      };
    } finally {
      await floor.stop();
    }
  }
  const startedAt = new Date();
  const { run, usage } = await runOnce(o, o.target, o.defaultUrl, o.fallbackUrl, schedule.name);
  const scores = run.windows.map((w) => ({ window: w.window, score: scoreWindow(run, o, w) }));
  const official = scores[0]!.score;
  // The widest window is the whole run, whichever is official (the final: the last 70 s; a
  // final-like schedule: the whole run, its last 70 s reported beside it).
  const whole = run.windows.reduce((a, b) => (b.window.seconds > a.window.seconds ? b : a));
  const processed = {
    default: whole.default?.totalRequests ?? 0,
    fallback: whole.fallback?.totalRequests ?? 0,
  };
  const warning = feeMismatch(run, o.scenario.fees);
  if (warning) log(`WARNING: ${warning}`);
  const extras = {
    postPayments: exactStats(run.posts.all),
    allSuccessfulRequests: exactStats(run.rec.ok),
    httpErrorsByKind: run.rec.failures,
    statuses: run.rec.statuses,
    defaultShare:
      processed.default + processed.fallback === 0
        ? 0
        : Math.round((processed.default / (processed.default + processed.fallback)) * 10000) / 100,
    /** Accepted POSTs the processors never stored by the teardown (whole-run window). */
    unprocessedAtEnd: run.successfulPosts - processed.default - processed.fallback,
    inconsistenciesPerProcessor: run.checks.reduce((n, c) => n + c.perProcessor, 0),
    windows: scores.map(({ window, score }) => ({
      label: window.label,
      seconds: window.seconds,
      total_liquido: score.total_liquido,
      net: Math.round((score.total_bruto - score.total_taxas) * 100) / 100,
      default: score.pagamentos_realizados_default.num_pagamentos,
      fallback: score.pagamentos_realizados_fallback.num_pagamentos,
    })),
    expectedFees: o.scenario.fees,
    ...(warning ? { feeWarning: warning } : {}),
    backendMatchesProcessors:
      whole.backend !== undefined &&
      whole.backend.default.totalRequests === processed.default &&
      whole.backend.fallback.totalRequests === processed.fallback,
    purgeBackendStatus: run.purgeBackendStatus,
    generator: run.generator,
    ...(usage ? { stack: usage } : {}),
    ...(baseline ? { baseline } : {}),
    meta: runMeta(),
  };
  const result = {
    ...official,
    scenario: schedule.name,
    target: o.target,
    startedAt: startedAt.toISOString(),
    seed: o.seed ?? null,
    schedule,
    grossFrom: o.scenario.grossFrom,
    extras,
    consistencyChecks: run.checks,
    timeline: timeline(run.rec),
    paymentsPerSecond: run.perSecond,
  };
  const dir = reportDir(o.reportsBase, schedule.name, startedAt);
  const bands = schedule.stages.map((st, i) => {
    const end = schedule.stages[i + 1]?.atSec ?? schedule.durationSec;
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
    title: `Payments ${schedule.name} — ${o.target} — ${startedAt.toISOString()}`,
    headline: [
      ...scores.map(
        ({ window, score }) =>
          [`total_liquido, ${window.label}`, score.total_liquido.toFixed(2)] as [string, string],
      ),
      [
        'p99 (all successful requests)',
        `${official.p99.valor} → bonus ${official.p99.bonus}${baseline ? ` (canned floor ${baseline.p99})` : ''}`,
      ],
      [
        'inconsistencies',
        `${official.multa.composicao.num_inconsistencias} (fine ${official.multa.porcentagem * 100}%); per processor ${extras.inconsistenciesPerProcessor}`,
      ],
      ['unprocessed at the end', `${extras.unprocessedAtEnd} of ${run.successfulPosts} accepted`],
      [
        'payments via default',
        `${processed.default} (${extras.defaultShare}%), via fallback ${processed.fallback}`,
      ],
      [
        'fees',
        `expected ${o.scenario.fees.default} / ${o.scenario.fees.fallback}${warning ? ` — ${warning}` : ''}`,
      ],
      [
        'POST /payments',
        `p50 ${extras.postPayments.p50} ms, p99 ${extras.postPayments.p99} ms, p99.9 ${extras.postPayments.p999} ms, max ${extras.postPayments.max} ms`,
      ],
      [
        'generator',
        `${run.generator.workers} VU thread(s): event-loop lag p99 ${run.generator.vuThreadLoopLagMs.p99} ms (main ${run.generator.eventLoopLagMs.p99} ms), VU start lateness p99 ${run.generator.startLatenessMs.p99} ms, CPU ${run.generator.cpuPercentOfOneCore}% of a core`,
      ],
      [
        'code',
        `${extras.meta.commit ?? 'unknown commit'}${extras.meta.dirty ? ' + uncommitted changes' : ''}, Node ${extras.meta.node}`,
      ],
    ],
    tables: [
      usageTable(usage),
      {
        caption: 'Teardown windows',
        rows: [
          ['window', 'seconds', 'default', 'fallback', 'net', 'total_liquido'],
          ...extras.windows.map((w) => [
            w.label,
            String(w.seconds),
            String(w.default),
            String(w.fallback),
            w.net.toFixed(2),
            w.total_liquido.toFixed(2),
          ]),
        ],
      },
      {
        caption: 'Stages (sent to both processors)',
        rows: [
          ['at s', 'default delay ms', 'default failing', 'fallback delay ms', 'fallback failing'],
          ...schedule.stages.map((st) => [
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
            'per processor',
          ],
          ...run.checks.map((c) => [
            c.atSec.toFixed(1),
            String(c.backend?.default.totalRequests ?? '?'),
            String(c.default?.totalRequests ?? '?'),
            String(c.backend?.fallback.totalRequests ?? '?'),
            String(c.fallback?.totalRequests ?? '?'),
            c.error ? `${c.inconsistencies} (${c.error})` : String(c.inconsistencies),
            String(c.perProcessor),
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
    extraCharts: [
      {
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
      ...usageCharts(usage),
    ],
    bands,
  });
  writeReport(dir, result, html);
  return { result, dir, run };
}
