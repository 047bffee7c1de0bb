// `rinha up <system>`: start a whole competition topology locally until Ctrl-C / SIGTERM.
import { InvalidArgumentError, Option, type Command } from 'commander';
import { upCrebito, type BalancerChoice } from '../crebito/stack.js';
import { upPayments } from '../payments/stack.js';
import { PAYMENTS_STORES } from '../payments/topology.js';
import { STORE_KINDS, type StoreKind } from '../crebito/store/store.js';
import { choice, intArg } from './args.js';

function parseSetting(v: string, acc: Record<string, string>): Record<string, string> {
  const m = /^([a-z_][a-z0-9_.]*)=(.*)$/i.exec(v);
  if (m === null)
    throw new InvalidArgumentError('expected name=value, e.g. synchronous_commit=off');
  return { ...acc, [m[1]!]: m[2]! };
}

export function registerUp(program: Command): void {
  program
    .command('up')
    .description(
      'start a system with the competition topology and resource limits (Ctrl-C stops everything)',
    )
    .argument('<system>', 'which system: 2024 (Crébito) or 2025 (Payments)')
    .option('--default-url <url>', '2025: use this external default processor (no simulators)')
    .option('--fallback-url <url>', '2025: use this external fallback processor (no simulators)')
    .addOption(
      new Option(
        '--store <store>',
        '2024: sqlite | postgres (default sqlite); 2025: memory | redis (default memory)',
      ),
    )
    .addOption(choice('balancer', ['auto', 'nginx', 'builtin'] as const, 'auto'))
    .option('--port <port>', 'load balancer port', intArg('port', 1, 65535), 9999)
    .option('--run-dir <dir>', 'folder for the logs of this run (default runs/<date>-...)')
    .option('--canned', 'API instances answer fixed responses without a store: the latency floor')
    .option(
      '--fallback-after-ms <ms>',
      '2025: while default is down, fallback takes payments that waited this long (default 300; longer holds earn more when default comes back, and lose what is still held when the run ends)',
      intArg('ms', 0, 600_000),
    )
    .option(
      '--durable',
      '2025: accepted payments go through a Redis stream and survive kill -9 of an instance (implies --store redis)',
    )
    .option(
      '--pg-setting <name=value>',
      "PostgreSQL setting over the topology's (repeat)",
      parseSetting,
      {} as Record<string, string>,
    )
    .addOption(choice('pg-data', ['memory', 'disk'] as const, 'memory'))
    .option('--pg-pool <n>', 'connections per API instance to PostgreSQL', intArg('pool', 1, 100))
    .option('--no-limits', 'do not apply the cgroup CPU/memory limits')
    .action(
      async (
        system: string,
        o: {
          store?: string;
          balancer: BalancerChoice;
          port: number;
          runDir?: string;
          limits: boolean;
          canned?: boolean;
          durable?: boolean;
          fallbackAfterMs?: number;
          pgSetting: Record<string, string>;
          pgPool?: number;
          pgData: 'memory' | 'disk';
          defaultUrl?: string;
          fallbackUrl?: string;
        },
      ) => {
        if (system !== '2024' && system !== '2025')
          throw new Error(`unknown system "${system}" (available: 2024, 2025)`);
        if ((o.defaultUrl === undefined) !== (o.fallbackUrl === undefined))
          throw new Error('give both --default-url and --fallback-url, or neither');
        const stores: readonly string[] = system === '2025' ? PAYMENTS_STORES : STORE_KINDS;
        if (o.store !== undefined && !stores.includes(o.store))
          throw new Error(`--store for ${system} must be one of: ${stores.join(', ')}`);
        if (o.durable && system !== '2025') throw new Error('--durable is a 2025 option');
        if (o.fallbackAfterMs !== undefined && system !== '2025')
          throw new Error('--fallback-after-ms is a 2025 option');
        if (o.durable && o.store === 'memory')
          throw new Error(
            '--durable keeps accepted payments in Redis: it cannot run with --store memory',
          );
        // Signals are handled from the first moment: a Ctrl-C during start-up aborts it and stops
        // whatever was already started (an unhandled SIGTERM would orphan the services).
        const abort = new AbortController();
        let signalled: (sig: string) => void = () => {};
        const stopRequested = new Promise<string>((resolve) => (signalled = resolve));
        const onSignal = (sig: string) => {
          abort.abort(new Error(`${sig} during start-up`));
          signalled(sig);
        };
        for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
        const stack =
          system === '2025'
            ? await upPayments({
                balancer: o.balancer,
                canned: o.canned === true,
                ...(o.store === 'redis' || o.durable ? { store: 'redis' as const } : {}),
                durable: o.durable === true,
                ...(o.fallbackAfterMs === undefined ? {} : { fallbackAfterMs: o.fallbackAfterMs }),
                port: o.port,
                limits: o.limits,
                signal: abort.signal,
                ...(o.runDir ? { runDir: o.runDir } : {}),
                ...(o.defaultUrl !== undefined && o.fallbackUrl !== undefined
                  ? { defaultUrl: o.defaultUrl, fallbackUrl: o.fallbackUrl }
                  : {}),
              })
            : await upCrebito({
                store: (o.store ?? 'sqlite') as StoreKind,
                balancer: o.balancer,
                port: o.port,
                limits: o.limits,
                canned: o.canned === true,
                pgSettings: o.pgSetting,
                pgData: o.pgData,
                signal: abort.signal,
                ...(o.pgPool === undefined ? {} : { pgPool: o.pgPool }),
                ...(o.runDir ? { runDir: o.runDir } : {}),
              });
        console.log(`[rinha] Ctrl-C to stop; logs in ${stack.runDir}`);
        const sig = await stopRequested;
        console.log(`[rinha] ${sig}: stopping`);
        await stack.stop();
        for (const s of stack.stack.report()) {
          const peak = s.peakMemoryMB === undefined ? 'n/a' : `${s.peakMemoryMB} MB`;
          const cpu = s.cpuSec === undefined ? '' : `, CPU used ${s.cpuSec} s`;
          const thr =
            s.throttledPeriods === undefined
              ? ''
              : `, throttled ${s.throttledPeriods} times (${s.throttledSec ?? '?'} s)`;
          console.log(
            `[rinha] ${s.name}: limit ${s.limits.cpus} CPU / ${s.limits.memoryMB} MB, peak memory ${peak}${cpu}${thr}`,
          );
        }
      },
    );
}
