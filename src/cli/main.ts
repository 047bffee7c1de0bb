// The `rinha` command line: one subcommand per system and tool.
import { Command } from 'commander';
import { RinhaError } from '../errors.js';
import { registerUp } from './up.js';
import { registerServe } from './serve.js';
import { registerBalancer } from './balancer.js';
import { registerDeploy } from './deploy.js';
import { registerProcessor } from './processor.js';
import { registerBench } from './bench.js';

const program = new Command('rinha')
  .description('Rinha de Backend reference systems (2024 Crébito, 2025 Payments) and their tools')
  .showHelpAfterError();

registerUp(program);
registerServe(program);
registerBalancer(program);
registerDeploy(program);
registerProcessor(program);
registerBench(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  // Our own errors name their code (docs/ERRORS.md); anything else is a bug, with its stack.
  if (err instanceof RinhaError) console.error(`rinha: [${err.code}] ${err.message}`);
  else console.error(`rinha: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
