// `rinha bench <scenario>`: official-equivalent load tests with the official scoring.
import { Option, type Command } from 'commander';
import { bench2024 } from '../bench/bench2024.js';

function scaleArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n <= 1)) throw new Error('--scale must be a number in (0, 1]');
  return n;
}

export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('run an official-equivalent load test against a backend and score it (scenarios: 2024)')
    .argument('<scenario>', '2024')
    .option('--target <url>', 'backend under test', 'http://127.0.0.1:9999')
    .addOption(new Option('--scale <factor>', 'shrink every duration, e.g. 0.1 for a quick run').argParser(scaleArg).default(1))
    .option('--seed <n>', 'random seed (repeatable runs)', (v) => Number.parseInt(v, 10))
    .option('--baseline', 'first run the same scenario against the canned floor of the topology')
    .option('--reports <dir>', 'where report folders go', 'reports')
    .action(async (scenario: string, o: { target: string; scale: number; seed?: number; baseline?: boolean; reports: string }) => {
      const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
      if (!Number.isSafeInteger(seed)) throw new Error('--seed must be an integer');
      if (scenario !== '2024') throw new Error(`unknown scenario "${scenario}" (available: 2024)`);
      const { result, dir } = await bench2024({
        target: o.target,
        scale: o.scale,
        seed,
        baseline: o.baseline === true,
        reportsBase: o.reports,
        log: (m) => console.error(`[bench] ${m}`),
        progress: true,
      });
      const g = result.gatling;
      console.log(`\n2024 — ${o.target} — seed ${seed}`);
      console.table({
        all: { count: g.count, OK: g.ok, KO: g.ko, mean: g.mean, p50: g.p50, p75: g.p75, p95: g.p95, p99: g.p99, max: g.max },
        ...(result.baseline ? { 'canned floor': { count: result.baseline.gatling.count, OK: result.baseline.gatling.ok, KO: result.baseline.gatling.ko, mean: result.baseline.gatling.mean, p50: result.baseline.gatling.p50, p75: result.baseline.gatling.p75, p95: result.baseline.gatling.p95, p99: result.baseline.gatling.p99, max: result.baseline.gatling.max } } : {}),
      });
      console.log(`exact p99 ${result.exactMs.p99} ms${result.baseline ? ` (floor ${result.baseline.exactMs.p99} ms)` : ''}; OK under 250 ms ${g.percentOkUnderThreshold}%; inconsistencies ${result.inconsistencies}`);
      console.log(`SLA value: USD ${result.sla.valueUsd.toFixed(2)} (fines: SLA ${result.sla.slaFineUsd}, inconsistencies ${result.sla.inconsistencyFineUsd})`);
      console.log(`generator: event-loop lag p99 ${result.generator.eventLoopLagMs.p99} ms, start lateness p99 ${result.generator.startLatenessMs.p99} ms, CPU ${result.generator.cpuPercentOfOneCore}% of a core`);
      console.log(`report: ${dir}/report.html`);
    });
}
