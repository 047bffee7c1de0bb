// `rinha bench 2024`: run the Gatling-equivalent scenario against a target (and, with
// --baseline, first against the canned floor of the same topology), score it, write the report.
import { upCrebito } from '../crebito/stack.js';
import { readDescriptor } from '../stack/descriptor.js';
import { score2024, SLA_THRESHOLD_MS } from './core/scoring2024.js';
import { seededRandom } from './core/random.js';
import { runCrebito2024, type Run2024 } from './scenarios/crebito2024.js';
import { renderReport } from './report/html.js';
import { Progress } from './report/progress.js';
import { exactStats, gatlingStats, timeline } from './report/stats.js';
import { reportDir, writeReport } from './report/write.js';
import { StackWatch, type StackUsage } from './load/stack-watch.js';
import { runMeta } from './report/meta.js';
import {
  floorValidationLine,
  stepsLine,
  summarizeValidation,
  validationLine,
} from './core/validation2024.js';
import { usageCharts, usageTable } from './report/usage-charts.js';

export interface Bench2024Options {
  readonly target: string;
  readonly scale: number;
  readonly seed: number;
  readonly baseline: boolean;
  readonly reportsBase: string;
  readonly log: (m: string) => void;
  readonly progress: boolean;
  /** Start the load once every validation is done (the original starts it alongside them). */
  readonly loadAfterValidation?: boolean;
}

/** Port of the canned floor stack started by --baseline (never the target's 9999). */
export const BASELINE_PORT = 19999;

function summarize(run: Run2024 & { usage?: StackUsage }) {
  const g = gatlingStats(run.rec, SLA_THRESHOLD_MS);
  return {
    gatling: g,
    sla: score2024({
      total: g.count,
      okUnderThreshold: g.okUnderThreshold,
      inconsistencies: run.rec.inconsistencies,
    }),
    inconsistencies: run.rec.inconsistencies,
    exactMs: exactStats(run.rec.all),
    byRequest: Object.fromEntries(
      Object.entries(run.rec.byName).map(([k, v]) => [
        k,
        { ...exactStats(v.samples), count: v.count, ko: v.ko },
      ]),
    ),
    statuses: run.rec.statuses,
    failures: run.rec.failures,
    generator: run.generator,
    plannedLoadRequests: run.plannedLoadRequests,
    validation: summarizeValidation(run.validation),
    ...(run.usage ? { stack: run.usage } : {}),
  };
}

async function runOnce(
  o: Bench2024Options,
  target: string,
  label: string,
): Promise<Run2024 & { usage?: StackUsage }> {
  let progress: Progress | undefined;
  const watch = StackWatch.find(Number(new URL(target).port || 80));
  const run = await runCrebito2024({
    target,
    scale: o.scale,
    random: seededRandom(o.seed),
    ...(o.loadAfterValidation ? { loadAfterValidation: true } : {}),
    onStart: (rec, totalSec) => {
      watch?.start();
      if (!o.progress) return;
      progress = new Progress(rec, label, totalSec);
      progress.start();
    },
  });
  progress?.stop();
  const usage = watch?.stop(run.rec.total);
  return { ...run, ...(usage ? { usage } : {}) };
}

export async function bench2024(o: Bench2024Options) {
  let baseline: ReturnType<typeof summarize> | undefined;
  if (o.baseline) {
    o.log(`baseline: starting the canned topology on port ${BASELINE_PORT}`);
    // The floor runs the limits of the target's store (each store has its own split).
    const target = readDescriptor(Number(new URL(o.target).port || 80));
    const store = target?.variant.startsWith('postgres') ? 'postgres' : 'sqlite';
    o.log(`baseline: with the ${store} topology's limits`);
    const floor = await upCrebito({
      store,
      canned: true,
      port: BASELINE_PORT,
      log: (m) => o.log(`baseline: ${m}`),
    });
    try {
      baseline = summarize(await runOnce(o, `http://127.0.0.1:${BASELINE_PORT}`, 'baseline'));
    } finally {
      await floor.stop();
    }
  }
  const startedAt = new Date();
  const run = await runOnce(o, o.target, '2024');
  const s = summarize(run);
  const result = {
    scenario: '2024',
    target: o.target,
    startedAt: startedAt.toISOString(),
    scale: o.scale,
    seed: o.seed,
    expectedRequests: 123 + run.plannedLoadRequests,
    loadAfterValidation: o.loadAfterValidation === true,
    ...s,
    meta: runMeta(),
    ...(baseline
      ? {
          baseline: {
            gatling: baseline.gatling,
            exactMs: baseline.exactMs,
            generator: baseline.generator,
            validation: baseline.validation,
            ...(baseline.stack ? { stack: baseline.stack } : {}),
          },
        }
      : {}),
    timeline: timeline(run.rec),
  };
  const dir = reportDir(o.reportsBase, '2024', startedAt);
  const g = s.gatling;
  const html = renderReport({
    title: `Crébito 2024/Q1 — ${o.target} — ${startedAt.toISOString()}`,
    headline: [
      ['value (SLA contract)', `USD ${s.sla.valueUsd.toFixed(2)}`],
      ['requests', `${g.count} (OK ${g.ok}, KO ${g.ko}; expected ${result.expectedRequests})`],
      ['inconsistencies', String(s.inconsistencies)],
      ['OK under 250 ms', `${g.percentOkUnderThreshold}%`],
      ['p99 (Gatling, whole ms)', `${g.p99} ms`],
      ['p99 exact', `${s.exactMs.p99} ms${baseline ? ` (floor ${baseline.exactMs.p99} ms)` : ''}`],
      ['validation phase', validationLine(s.validation)],
      ['validation steps at or over the bar', stepsLine(s.validation)],
      ...(baseline
        ? [
            ["floor's validation phase", floorValidationLine(baseline.validation)] as [
              string,
              string,
            ],
          ]
        : []),
      [
        'code',
        `${result.meta.commit ?? 'unknown commit'}${result.meta.dirty ? ' + uncommitted changes' : ''}, Node ${result.meta.node}`,
      ],
      [
        'generator',
        `event-loop lag p99 ${s.generator.eventLoopLagMs.p99} ms, start lateness p99 ${s.generator.startLatenessMs.p99} ms, CPU ${s.generator.cpuPercentOfOneCore}% of a core`,
      ],
    ],
    tables: [
      usageTable(s.stack),
      {
        caption: 'Global stats (Gatling style, ms)',
        rows: [
          ['', 'count', 'OK', 'KO', 'min', 'mean', 'p50', 'p75', 'p95', 'p99', 'max'],
          [
            'all requests',
            ...[g.count, g.ok, g.ko, g.min, g.mean, g.p50, g.p75, g.p95, g.p99, g.max].map(String),
          ],
          ...(baseline
            ? [
                [
                  'canned floor',
                  ...[
                    baseline.gatling.count,
                    baseline.gatling.ok,
                    baseline.gatling.ko,
                    baseline.gatling.min,
                    baseline.gatling.mean,
                    baseline.gatling.p50,
                    baseline.gatling.p75,
                    baseline.gatling.p95,
                    baseline.gatling.p99,
                    baseline.gatling.max,
                  ].map(String),
                ],
              ]
            : []),
        ],
      },
      {
        caption: 'Per request (exact ms)',
        rows: [
          ['request', 'count', 'KO', 'p50', 'p90', 'p99', 'p99.9', 'max'],
          ...Object.entries(s.byRequest).map(([k, v]) => [
            k,
            ...[v.count, v.ko, v.p50, v.p90, v.p99, v.p999, v.max].map(String),
          ]),
        ],
      },
      {
        caption: 'Failures by kind',
        rows: [
          ['kind', 'count'],
          ...(Object.keys(s.failures).length === 0
            ? [['none', '0']]
            : Object.entries(s.failures).map(([k, v]) => [k, String(v)])),
        ],
      },
    ],
    timeline: result.timeline,
    statuses: s.statuses,
    extraCharts: usageCharts(s.stack),
  });
  writeReport(dir, result, html);
  return { result, dir };
}
