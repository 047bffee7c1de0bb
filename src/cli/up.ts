// `rinha up <system>`: start a whole competition topology locally until Ctrl-C / SIGTERM.
// The common options are here; each system adds its own (stack/system.ts), and an option given
// to a system that does not have it is refused by name.
import { Option, type Command, type OptionValues } from 'commander';
import { RinhaError } from '../errors.js';
import { BALANCER_CHOICES, type BalancerChoice } from '../stack/load-balancer.js';
import { findSystem, SYSTEMS } from '../systems.js';
import { intArg } from './args.js';
import { refuseForeignOptions } from './system-options.js';

const COMMON = ['store', 'balancer', 'port', 'runDir', 'canned', 'limits'];

export function registerUp(program: Command): void {
  const cmd = program
    .command('up')
    .description(
      'start a system with the competition topology and resource limits (Ctrl-C stops everything)',
    )
    .argument('<system>', `which system: ${SYSTEMS.map((s) => `${s.id} (${s.title})`).join('; ')}`)
    .addOption(
      new Option(
        '--store <store>',
        SYSTEMS.map((s) => `${s.id}: ${s.stores.join(' | ')} (default ${s.stores[0]})`).join('; '),
      ),
    )
    .addOption(new Option('--balancer <balancer>').choices(BALANCER_CHOICES).default('auto'))
    .option('--port <port>', 'load balancer port', intArg('port', 1, 65535), 9999)
    .option('--run-dir <dir>', 'folder for the logs of this run (default runs/<date>-...)')
    .option('--canned', 'API instances answer fixed responses without a store: the latency floor')
    .option('--no-limits', 'do not apply the cgroup CPU/memory limits');
  for (const s of SYSTEMS) for (const o of s.upOptions()) cmd.addOption(o);
  cmd.action(async (id: string, o: OptionValues) => {
    const system = findSystem(id);
    refuseForeignOptions(cmd, system, COMMON, system.upOptions());
    const store = o.store === undefined ? system.stores[0]! : String(o.store);
    if (!system.stores.includes(store))
      throw new RinhaError(
        'INVALID_OPTION',
        `--store for ${system.id} must be one of: ${system.stores.join(', ')}`,
      );
    // Signals are handled from the first moment: a Ctrl-C during start-up aborts it and stops
    // whatever was already started (an unhandled SIGTERM would orphan the services).
    const abort = new AbortController();
    let signalled: (sig: string) => void = () => {};
    const stopRequested = new Promise<string>((resolve) => (signalled = resolve));
    const onSignal = (sig: string) => {
      abort.abort(new RinhaError('ABORTED', `${sig} during start-up`));
      signalled(sig);
    };
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
    const stack = await system.up(
      {
        port: Number(o.port),
        limits: o.limits !== false,
        balancer: o.balancer as BalancerChoice,
        canned: o.canned === true,
        store,
        signal: abort.signal,
        ...(o.runDir === undefined ? {} : { runDir: String(o.runDir) }),
      },
      o,
    );
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
  });
}
