// The `rinha` command line: one subcommand per system and tool.
import { Command } from 'commander';
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
  console.error(`rinha: ${(err as Error).message}`);
  process.exit(1);
});
