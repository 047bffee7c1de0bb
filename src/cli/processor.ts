// `rinha processor`: a payment-processor simulator faithful to the official one.
import { Option, type Command } from 'commander';
import { DEFAULT_MAX_PAYMENTS } from '../shared/payment-ledger.js';
import { DEFAULT_RATE_LIMIT_SECONDS, DEFAULT_TOKEN, startProcessor } from '../processor/server.js';
import { intArg } from './args.js';

export function registerProcessor(program: Command): void {
  program
    .command('processor')
    .description(
      'run a payment-processor simulator (default: --port 8001 --fee 0.05; fallback: --port 8002 --fee 0.15)',
    )
    .addOption(
      new Option('--port <port>', 'port to listen on')
        .argParser(intArg('port', 0, 65535))
        .default(8001),
    )
    .addOption(new Option('--host <addr>', 'loopback address to listen on').default('127.0.0.1'))
    .addOption(
      new Option('--fee <fraction>', 'fee per transaction, e.g. 0.05')
        .default('0.05')
        .env('TRANSACTION_FEE'),
    )
    .addOption(
      new Option('--token <token>', 'initial admin token (X-Rinha-Token)')
        .default(DEFAULT_TOKEN)
        .env('INITIAL_TOKEN'),
    )
    .addOption(
      new Option('--rate-limit-seconds <s>', 'health-check window')
        .argParser(intArg('rate-limit-seconds', 1, 3600))
        .default(DEFAULT_RATE_LIMIT_SECONDS)
        .env('RATE_LIMIT_SECONDS'),
    )
    .addOption(
      new Option('--max-payments <n>', 'payments kept before answering 507')
        .argParser(intArg('max-payments', 1, 5_000_000))
        .default(DEFAULT_MAX_PAYMENTS),
    )
    .action(
      async (o: {
        port: number;
        host: string;
        fee: string;
        token: string;
        rateLimitSeconds: number;
        maxPayments: number;
      }) => {
        const p = await startProcessor(o);
        console.error(`payment processor (fee ${o.fee}) listening on ${p.url}`);
        const stop = () => void p.close().then(() => process.exit(0));
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      },
    );
}
