// `rinha serve <system>`: one API instance (what the stack runner and the Docker image start).
// Every option also reads an environment variable, for docker-compose.
import { Option, type Command, type OptionValues } from 'commander';
import type { ListenTarget } from '../http/listen.js';
import { findSystem, SYSTEMS } from '../systems.js';
import { intArg } from './args.js';
import { refuseForeignOptions } from './system-options.js';

const COMMON = ['socket', 'port', 'canned'];

export function registerServe(program: Command): void {
  const cmd = program
    .command('serve')
    .description('run one API instance (normally started by `rinha up` or the container)')
    .argument('<system>', `which system: ${SYSTEMS.map((s) => s.id).join(', ')}`)
    .addOption(new Option('--socket <path>', 'listen on this unix socket').env('RINHA_SOCKET'))
    .addOption(
      new Option('--port <port>', 'listen on this loopback port')
        .argParser(intArg('port', 1, 65535))
        .env('RINHA_PORT'),
    )
    .option('--canned', 'answer fixed valid responses without a store (the latency floor)');
  for (const s of SYSTEMS) for (const o of s.serveOptions()) cmd.addOption(o);
  cmd.action(async (id: string, o: OptionValues) => {
    const system = findSystem(id);
    refuseForeignOptions(cmd, system, COMMON, system.serveOptions());
    const target: ListenTarget =
      o.socket !== undefined
        ? { socket: String(o.socket) }
        : { port: Number(o.port ?? 8080), host: process.env.RINHA_HOST ?? '127.0.0.1' };
    const log = (m: string) => console.error(m);
    const instance = await system.serve({ target, canned: o.canned === true, log }, o);
    log(instance.description);
    const stop = () => void instance.close().then(() => process.exit(0));
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
