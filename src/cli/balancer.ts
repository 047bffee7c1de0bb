// `rinha balancer`: the built-in fallback load balancer as its own process (used when nginx is absent).
import type { Command } from 'commander';
import { startBalancer } from '../stack/tcp-balancer.js';
import { intArg } from './args.js';

export function registerBalancer(program: Command): void {
  program
    .command('balancer')
    .description('built-in round-robin TCP balancer (a fallback for machines without nginx)')
    .requiredOption('--port <port>', 'port to listen on (loopback)', intArg('port', 1, 65535))
    .requiredOption(
      '--upstream <socket>',
      'upstream unix socket (repeat)',
      (v: string, acc: string[]) => [...acc, v],
      [] as string[],
    )
    .action(async (o: { port: number; upstream: string[] }) => {
      const b = await startBalancer({ port: o.port, upstreams: o.upstream });
      console.error(`balancer listening on 127.0.0.1:${o.port} -> ${o.upstream.join(', ')}`);
      const stop = () => void b.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
