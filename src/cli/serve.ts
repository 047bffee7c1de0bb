// `rinha serve <system>`: one API instance (what the stack runner and the Docker image start).
// Every option also reads an environment variable, for docker-compose.
import type { Command } from 'commander';
import { Option } from 'commander';
import { startInstance, type StoreConfig } from '../crebito/instance.js';
import { DEFAULT_PG_POOL_SIZE } from '../crebito/store/postgres.js';
import { STORE_KINDS, type StoreKind } from '../crebito/store/store.js';
import { describeTarget, type ListenTarget } from '../http/listen.js';
import { intArg } from './args.js';
import { startCannedPaymentsInstance, startPaymentsInstance } from '../payments/instance.js';
import type { Role } from '../payments/engine/health.js';
import { DEFAULT_POLICY } from '../payments/core/policy.js';

interface ServeOptions {
  canned?: boolean;
  defaultUrl: string;
  fallbackUrl: string;
  peerSocket?: string;
  privateSocket?: string;
  redisSocket?: string;
  durable?: boolean;
  instanceName?: string;
  fallbackAfterMs?: number;
  role: Role;
  socket?: string;
  port?: number;
  store: StoreKind;
  sqliteFile?: string;
  pgHost: string;
  pgPort: number;
  pgDatabase: string;
  pgUser: string;
  pgPassword?: string;
  pgPool: number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run one API instance (normally started by `rinha up` or the container)')
    .argument('<system>', 'which system: 2024 (Crébito) or 2025 (Payments)')
    .addOption(new Option('--socket <path>', 'listen on this unix socket').env('RINHA_SOCKET'))
    .addOption(
      new Option('--default-url <url>', '2025: the default processor')
        .default('http://127.0.0.1:8001')
        .env('PROCESSOR_DEFAULT_URL'),
    )
    .addOption(
      new Option('--fallback-url <url>', '2025: the fallback processor')
        .default('http://127.0.0.1:8002')
        .env('PROCESSOR_FALLBACK_URL'),
    )
    .addOption(
      new Option(
        '--private-socket <path>',
        "2025: this instance's private socket (only the other instance talks to it)",
      ).env('RINHA_PRIVATE_SOCKET'),
    )
    .addOption(
      new Option('--peer-socket <path>', "2025: the other instance's private socket").env(
        'RINHA_PEER_SOCKET',
      ),
    )
    .addOption(
      new Option(
        '--redis-socket <path>',
        '2025: record payments in Redis at this unix socket (default: in memory)',
      ).env('RINHA_REDIS_SOCKET'),
    )
    .addOption(
      new Option(
        '--durable',
        '2025: accepted payments go through a Redis stream and survive kill -9 (needs --redis-socket)',
      ).env('RINHA_DURABLE'),
    )
    .addOption(
      new Option(
        '--instance-name <name>',
        '2025: unique among the instances and stable across restarts (default: the host name)',
      ).env('RINHA_INSTANCE_NAME'),
    )
    .addOption(
      new Option(
        '--fallback-after-ms <ms>',
        `2025: while default is down, fallback takes payments that waited this long (default ${DEFAULT_POLICY.fallbackAfterWaitMs})`,
      )
        .argParser(intArg('ms', 0, 600_000))
        .env('RINHA_FALLBACK_AFTER_MS'),
    )
    .addOption(
      new Option(
        '--role <role>',
        '2025: primary polls the health endpoints; secondary takes over if it dies',
      )
        .choices(['primary', 'secondary'])
        .default('primary')
        .env('RINHA_ROLE'),
    )
    .addOption(
      new Option('--port <port>', 'listen on this loopback port')
        .argParser(intArg('port', 1, 65535))
        .env('RINHA_PORT'),
    )
    .option('--canned', 'answer fixed valid responses without a store (the latency floor)')
    .addOption(
      new Option('--store <kind>').choices(STORE_KINDS).default('sqlite').env('RINHA_STORE'),
    )
    .addOption(
      new Option('--sqlite-file <file>', 'SQLite database file (created by `rinha up`)').env(
        'RINHA_SQLITE_FILE',
      ),
    )
    .addOption(
      new Option('--pg-host <host>', 'PostgreSQL host or socket directory')
        .default('/var/run/postgresql')
        .env('PGHOST'),
    )
    .addOption(
      new Option('--pg-port <port>')
        .argParser(intArg('port', 1, 65535))
        .default(5432)
        .env('PGPORT'),
    )
    .addOption(new Option('--pg-database <name>').default('rinha').env('PGDATABASE'))
    .addOption(new Option('--pg-user <name>').default('postgres').env('PGUSER'))
    .addOption(new Option('--pg-password <password>').env('PGPASSWORD'))
    .addOption(
      new Option('--pg-pool <n>', 'connections to PostgreSQL')
        .argParser(intArg('pool', 1, 100))
        .default(DEFAULT_PG_POOL_SIZE)
        .env('RINHA_PG_POOL'),
    )
    .action(async (system: string, o: ServeOptions) => {
      if (system !== '2024' && system !== '2025')
        throw new Error(`unknown system "${system}" (available: 2024, 2025)`);
      const target: ListenTarget =
        o.socket !== undefined
          ? { socket: o.socket }
          : { port: o.port ?? 8080, host: process.env.RINHA_HOST ?? '127.0.0.1' };
      if (system === '2025' && o.canned) {
        const p = await startCannedPaymentsInstance(target, o.privateSocket);
        console.error(
          `payments instance ${process.pid} listening on ${describeTarget(target)} (canned responses)`,
        );
        const stop = () => void p.close().then(() => process.exit(0));
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        return;
      }
      if (system === '2025') {
        const p = await startPaymentsInstance({
          listen: target,
          processors: { default: o.defaultUrl, fallback: o.fallbackUrl },
          role: o.role,
          ...(o.peerSocket === undefined ? {} : { peerSocket: o.peerSocket }),
          ...(o.privateSocket === undefined ? {} : { privateSocket: o.privateSocket }),
          ...(o.redisSocket === undefined ? {} : { redisSocket: o.redisSocket }),
          ...(o.durable ? { durable: true } : {}),
          ...(o.instanceName === undefined ? {} : { name: o.instanceName }),
          ...(o.fallbackAfterMs === undefined
            ? {}
            : { policy: { ...DEFAULT_POLICY, fallbackAfterWaitMs: o.fallbackAfterMs } }),
        });
        console.error(
          `payments instance ${process.pid} (${o.redisSocket === undefined ? o.role : 'poller elected in Redis'}${o.durable ? ', durable' : ''}) listening on ${describeTarget(target)}`,
        );
        const stop = () => void p.close().then(() => process.exit(0));
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
        return;
      }
      let store: StoreConfig;
      if (o.canned) {
        store = { kind: 'sqlite', file: '' }; // unused: canned instances open no store
      } else if (o.store === 'sqlite') {
        if (o.sqliteFile === undefined)
          throw new Error('--sqlite-file is required with --store sqlite');
        store = { kind: 'sqlite', file: o.sqliteFile };
      } else {
        store = {
          kind: 'postgres',
          host: o.pgHost,
          port: o.pgPort,
          database: o.pgDatabase,
          user: o.pgUser,
          poolSize: o.pgPool,
          ...(o.pgPassword === undefined ? {} : { password: o.pgPassword }),
        };
      }
      const instance = await startInstance(
        o.canned ? { canned: true, listen: target } : { store, listen: target },
      );
      console.error(
        `crebito instance ${process.pid} listening on ${describeTarget(target)} (${o.canned ? 'canned responses' : `store ${o.store}`})`,
      );
      const stop = () => {
        void instance.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
}
