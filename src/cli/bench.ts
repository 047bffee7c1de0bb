// `rinha bench <scenario>`: official-equivalent load tests with the official scoring.
import { RinhaError } from '../errors.js';
import { Option, type Command } from 'commander';
import { readFileSync } from 'node:fs';
import { bench2024 } from '../bench/bench2024.js';
import { bench2025 } from '../bench/bench2025.js';
import { seededRandom } from '../bench/core/random.js';
import { floorValidationLine, stepsLine, validationLine } from '../bench/core/validation2024.js';
import {
  customScenario,
  FINAL_SCENARIO,
  PREVIEW_SCENARIO,
  type Scenario2025,
} from '../bench/core/scenario2025.js';
import { finalLike, parseSchedule, scaleSchedule } from '../bench/core/schedule2025.js';
import { usageLines } from '../bench/load/stack-watch.js';
import { stopOpenRuns } from '../stack/run.js';
import { parseFees, PUBLIC_RULES_FEES, type Fees } from '../payments/core/fees.js';

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

function stopStacksOnSignal(): void {
  let stopping = false;
  for (const sig of Object.keys(SIGNAL_EXIT_CODES) as (keyof typeof SIGNAL_EXIT_CODES)[])
    // `on`, not `once`: a second signal while stopping (a group kill, and `timeout` passing its
    // own on) would otherwise kill the bench before its stacks are down, orphaning them.
    process.on(sig, () => {
      if (stopping) return;
      stopping = true;
      console.error(`[bench] ${sig}: stopping what this bench started`);
      void stopOpenRuns().finally(() => process.exit(SIGNAL_EXIT_CODES[sig]));
    });
}

export const SCENARIOS = ['2024', '2025-preview', '2025-final', '2025-final-like'] as const;

function feesArg(v: string): Fees {
  const f = parseFees(v);
  if (!f.ok) throw new RinhaError('INVALID_OPTION', `--fees: ${f.error}`);
  return f.value;
}

/** The scenario a 2025 bench runs: the preview, the final, a seeded final-like one, or a file. */
function scenario2025(
  name: string,
  o: { schedule?: string; seed: number; fees?: Fees; scale: number },
): Scenario2025 {
  let sc: Scenario2025;
  if (o.schedule !== undefined)
    sc = customScenario(
      parseSchedule(JSON.parse(readFileSync(o.schedule, 'utf8')), o.schedule),
      o.fees ?? PUBLIC_RULES_FEES,
    );
  else if (name === '2025-preview') sc = PREVIEW_SCENARIO;
  else if (name === '2025-final') sc = FINAL_SCENARIO;
  else sc = customScenario(finalLike(seededRandom(o.seed)), o.fees ?? PUBLIC_RULES_FEES);
  if (o.fees !== undefined) sc = { ...sc, fees: o.fees };
  return o.scale === 1 ? sc : { ...sc, schedule: scaleSchedule(sc.schedule, o.scale) };
}

function print2025(result: Awaited<ReturnType<typeof bench2025>>['result'], dir: string): void {
  const x = result.extras;
  console.log(
    `\n${result.scenario} — ${result.target}${result.seed === null ? '' : ` — seed ${result.seed}`}`,
  );
  console.table({
    score: { value: result.total_liquido },
    'gross / fees': { value: `${result.total_bruto} / ${result.total_taxas}` },
    'p99 (all successful) / bonus': {
      value: `${result.p99.valor} / ${result.p99.bonus}${x.baseline ? ` (canned floor ${x.baseline.p99})` : ''}`,
    },
    ...Object.fromEntries(
      x.windows.map((w) => [
        `score, ${w.label}`,
        {
          value: `${w.total_liquido} (net ${w.net}; default ${w.default} / fallback ${w.fallback})`,
        },
      ]),
    ),
    inconsistencies: {
      value: `${result.multa.composicao.num_inconsistencias} (per processor ${x.inconsistenciesPerProcessor})`,
    },
    'unprocessed at the end': { value: x.unprocessedAtEnd },
    'payments default / fallback': {
      value: `${result.pagamentos_realizados_default.num_pagamentos} / ${result.pagamentos_realizados_fallback.num_pagamentos} (default ${x.defaultShare}%)`,
    },
    'POST /payments p50/p90/p99/p99.9/max ms': {
      value: `${x.postPayments.p50} / ${x.postPayments.p90} / ${x.postPayments.p99} / ${x.postPayments.p999} / ${x.postPayments.max}`,
    },
    'failed POSTs': { value: result.pagamentos_solicitados.qtd_falha },
  });
  console.log(
    `generator: ${x.generator.workers} VU thread(s), their event-loop lag p99 ${x.generator.vuThreadLoopLagMs.p99} ms (main thread ${x.generator.eventLoopLagMs.p99} ms), CPU ${x.generator.cpuPercentOfOneCore}% of a core`,
  );
  if (x.feeWarning) console.log(`WARNING: ${x.feeWarning}`);
  if (x.stack) for (const l of usageLines(x.stack)) console.log(`stack: ${l}`);
  else
    console.log(
      'stack: not announced by a local `rinha up` on the target port (no cgroup figures)',
    );
  console.log(`report: ${dir}/report.html`);
}

function scaleArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1))
    throw new RinhaError('INVALID_OPTION', '--scale must be a number in (0, 1]');
  return n;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run an official-equivalent load test against a backend and score it')
    .argument('<scenario>', SCENARIOS.join(' | '))
    .option('--target <url>', 'backend under test', 'http://127.0.0.1:9999')
    .addOption(
      new Option('--scale <factor>', 'shrink every duration, e.g. 0.1 for a quick run')
        .argParser(scaleArg)
        .default(1),
    )
    .option('--seed <n>', 'random seed (repeatable runs)', (v) => Number.parseInt(v, 10))
    .option('--baseline', 'first run the same scenario against the canned floor of the topology')
    .option(
      '--load-after-validation',
      '2024: start the load once every validation is done (the original starts it alongside the per-client checks)',
    )
    .option('--reports <dir>', 'where report folders go', 'reports')
    .option('--default-url <url>', '2025: the default processor', 'http://127.0.0.1:8001')
    .option('--fallback-url <url>', '2025: the fallback processor', 'http://127.0.0.1:8002')
    .option('--token <token>', "2025: the processors' admin token", '123')
    .option('--workers <n>', '2025: worker threads running the VUs', (v) => Number.parseInt(v, 10))
    .option(
      '--schedule <file>',
      '2025: run this schedule (JSON: durationSec, maxVUs, amount, stages)',
    )
    .option(
      '--fees <default,fallback>',
      "2025: the fees the processors are expected to charge (the final's are 0.07,0.10, the preview's and final-like's default 0.05,0.15); the bench warns when they charge others, and the --baseline floor's simulators charge these",
      feesArg,
    )
    .action(
      async (
        scenario: string,
        o: {
          target: string;
          scale: number;
          seed?: number;
          baseline?: boolean;
          reports: string;
          defaultUrl: string;
          fallbackUrl: string;
          token: string;
          schedule?: string;
          workers?: number;
          fees?: Fees;
          loadAfterValidation?: boolean;
        },
      ) => {
        // --baseline starts a stack of its own: a signal stops it before the bench exits.
        stopStacksOnSignal();
        const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
        if (!Number.isSafeInteger(seed))
          throw new RinhaError('INVALID_OPTION', '--seed must be an integer');
        if (!(SCENARIOS as readonly string[]).includes(scenario))
          throw new RinhaError(
            'UNKNOWN_SCENARIO',
            `unknown scenario "${scenario}" (available: ${SCENARIOS.join(', ')})`,
          );
        if (scenario !== '2024') {
          const sc = scenario2025(scenario, {
            seed,
            scale: o.scale,
            ...(o.schedule === undefined ? {} : { schedule: o.schedule }),
            ...(o.fees === undefined ? {} : { fees: o.fees }),
          });
          const { result, dir } = await bench2025({
            target: o.target,
            defaultUrl: o.defaultUrl,
            fallbackUrl: o.fallbackUrl,
            token: o.token,
            scenario: sc,
            ...(scenario === '2025-final-like' ? { seed } : {}),
            reportsBase: o.reports,
            progress: true,
            ...(o.workers === undefined ? {} : { workers: o.workers }),
            baseline: o.baseline === true,
            log: (m) => console.error(`[bench] ${m}`),
            // --scale shrinks the check period too (the 15 s..2 s window stays).
            ...(o.scale !== 1 ? { checkEverySec: Math.max(1, 10 * o.scale) } : {}),
          });
          print2025(result, dir);
          return;
        }
        const { result, dir } = await bench2024({
          target: o.target,
          scale: o.scale,
          seed,
          baseline: o.baseline === true,
          reportsBase: o.reports,
          log: (m) => console.error(`[bench] ${m}`),
          progress: true,
          ...(o.loadAfterValidation ? { loadAfterValidation: true } : {}),
        });
        const g = result.gatling;
        console.log(`\n2024 — ${o.target} — seed ${seed}`);
        console.table({
          all: {
            count: g.count,
            OK: g.ok,
            KO: g.ko,
            mean: g.mean,
            p50: g.p50,
            p75: g.p75,
            p95: g.p95,
            p99: g.p99,
            max: g.max,
          },
          ...(result.baseline
            ? {
                'canned floor': {
                  count: result.baseline.gatling.count,
                  OK: result.baseline.gatling.ok,
                  KO: result.baseline.gatling.ko,
                  mean: result.baseline.gatling.mean,
                  p50: result.baseline.gatling.p50,
                  p75: result.baseline.gatling.p75,
                  p95: result.baseline.gatling.p95,
                  p99: result.baseline.gatling.p99,
                  max: result.baseline.gatling.max,
                },
              }
            : {}),
        });
        console.log(
          `exact p99 ${result.exactMs.p99} ms${result.baseline ? ` (floor ${result.baseline.exactMs.p99} ms)` : ''}; OK under 250 ms ${g.percentOkUnderThreshold}%; inconsistencies ${result.inconsistencies}`,
        );
        console.log(`validation phase: ${validationLine(result.validation)}`);
        console.log(`validation steps at or over the bar: ${stepsLine(result.validation)}`);
        if (result.baseline) {
          console.log(
            `floor's validation phase: ${floorValidationLine(result.baseline.validation)}`,
          );
          console.log(
            '(the canned floor answers fixed bodies, so its check failures are expected: only its latency matters)',
          );
        }
        console.log(
          `SLA value: USD ${result.sla.valueUsd.toFixed(2)} (fines: SLA ${result.sla.slaFineUsd}, inconsistencies ${result.sla.inconsistencyFineUsd})`,
        );
        console.log(
          `generator: event-loop lag p99 ${result.generator.eventLoopLagMs.p99} ms, start lateness p99 ${result.generator.startLatenessMs.p99} ms, CPU ${result.generator.cpuPercentOfOneCore}% of a core`,
        );
        if (result.stack) for (const l of usageLines(result.stack)) console.log(`stack: ${l}`);
        else
          console.log(
            'stack: not announced by a local `rinha up` on the target port (no cgroup figures)',
          );
        console.log(`report: ${dir}/report.html`);
      },
    );
}
