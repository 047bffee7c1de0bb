// `rinha up <system>`: start a whole competition topology locally until Ctrl-C / SIGTERM.
import type { Command } from 'commander';
import { upCrebito, type BalancerChoice } from '../crebito/stack.js';
import { STORE_KINDS, type StoreKind } from '../crebito/store/store.js';
import { choice, intArg } from './args.js';

export function registerUp(program: Command): void {
  program
    .command('up')
    .description('start a system with the competition topology and resource limits (Ctrl-C stops everything)')
    .argument('<system>', 'which system: 2024 (Crébito)')
    .addOption(choice('store', STORE_KINDS, 'sqlite'))
    .addOption(choice('balancer', ['auto', 'nginx', 'builtin'] as const, 'auto'))
    .option('--port <port>', 'load balancer port', intArg('port', 1, 65535), 9999)
    .option('--run-dir <dir>', 'folder for the logs of this run (default runs/<date>-...)')
    .option('--canned', 'API instances answer fixed responses without a store: the latency floor')
    .option('--no-limits', 'do not apply the cgroup CPU/memory limits')
    .action(async (system: string, o: { store: StoreKind; balancer: BalancerChoice; port: number; runDir?: string; limits: boolean; canned?: boolean }) => {
      if (system !== '2024') throw new Error(`unknown system "${system}" (available: 2024)`);
      const stack = await upCrebito({ store: o.store, balancer: o.balancer, port: o.port, limits: o.limits, canned: o.canned === true, ...(o.runDir ? { runDir: o.runDir } : {}) });
      console.log(`[rinha] Ctrl-C to stop; logs in ${stack.runDir}`);
      await new Promise<void>((resolve) => {
        let stopping = false;
        const onSignal = (sig: string) => {
          if (stopping) return;
          stopping = true;
          console.log(`[rinha] ${sig}: stopping`);
          void stack.stop().then(resolve);
        };
        process.on('SIGINT', onSignal);
        process.on('SIGTERM', onSignal);
        process.on('SIGHUP', onSignal);
      });
      for (const s of stack.stack.report()) {
        const peak = s.peakMemoryMB === undefined ? 'n/a' : `${s.peakMemoryMB} MB`;
        console.log(`[rinha] ${s.name}: limit ${s.limits.cpus} CPU / ${s.limits.memoryMB} MB, peak memory ${peak}`);
      }
    });
}
