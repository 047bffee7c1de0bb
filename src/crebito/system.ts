// Crébito (2024/Q1) as a system of the project (stack/system.ts): its topology, `rinha up 2024`
// options, `rinha serve 2024` options (each with its environment variable, for the compose
// file) and its deployment files.
import { InvalidArgumentError, Option, type OptionValues } from 'commander';
import { intArg } from '../cli/args.js';
import { RinhaError } from '../errors.js';
import { describeTarget } from '../http/listen.js';
import type { SystemDefinition } from '../stack/system.js';
import { crebitoDeployFiles } from './deploy.js';
import { startCrebitoInstance, type StoreConfig } from './instance.js';
import { upCrebito } from './stack.js';
import { DEFAULT_PG_POOL_SIZE } from './store/postgres.js';
import { LEDGER_STORE_KINDS, type LedgerStoreKind } from './store/store.js';
import { CREBITO_TOPOLOGY } from './topology.js';

const PG_DATA = ['memory', 'disk'] as const;

function parseSetting(v: string, acc: Record<string, string>): Record<string, string> {
  const m = /^([a-z_][a-z0-9_.]*)=(.*)$/i.exec(v);
  if (m === null)
    throw new InvalidArgumentError('expected name=value, e.g. synchronous_commit=off');
  return { ...acc, [m[1]!]: m[2]! };
}

function storeConfig(o: OptionValues): StoreConfig {
  if (o.store === 'sqlite') {
    if (o.sqliteFile === undefined)
      throw new RinhaError('INVALID_OPTION', '--sqlite-file is required with --store sqlite');
    return { kind: 'sqlite', file: String(o.sqliteFile) };
  }
  return {
    kind: 'postgres',
    host: String(o.pgHost),
    port: Number(o.pgPort),
    database: String(o.pgDatabase),
    user: String(o.pgUser),
    poolSize: Number(o.pgPool),
    ...(o.pgPassword === undefined ? {} : { password: String(o.pgPassword) }),
  };
}

export const CREBITO_SYSTEM: SystemDefinition = {
  id: '2024',
  title: 'Crébito (2024/Q1): credit/debit ledger',
  topology: CREBITO_TOPOLOGY,
  stores: LEDGER_STORE_KINDS,
  upOptions: () => [
    new Option('--pg-setting <name=value>', "2024: PostgreSQL setting over the topology's (repeat)")
      .argParser(parseSetting)
      .default({}),
    new Option('--pg-data <where>', '2024: throwaway cluster files in memory (tmpfs) or on disk')
      .choices(PG_DATA)
      .default('memory'),
    new Option('--pg-pool <n>', '2024: connections per API instance to PostgreSQL').argParser(
      intArg('pool', 1, 100),
    ),
  ],
  serveOptions: () => [
    new Option('--store <kind>', 'ledger store')
      .choices(LEDGER_STORE_KINDS)
      .default('sqlite')
      .env('RINHA_STORE'),
    new Option('--sqlite-file <file>', 'SQLite database file (created by `rinha up`)').env(
      'RINHA_SQLITE_FILE',
    ),
    new Option('--pg-host <host>', 'PostgreSQL host or socket directory')
      .default('/var/run/postgresql')
      .env('PGHOST'),
    new Option('--pg-port <port>')
      .argParser(intArg('port', 1, 65535))
      .default(5432)
      .env('PGPORT'),
    new Option('--pg-database <name>').default('rinha').env('PGDATABASE'),
    new Option('--pg-user <name>').default('postgres').env('PGUSER'),
    new Option('--pg-password <password>').env('PGPASSWORD'),
    new Option('--pg-pool <n>', 'connections to PostgreSQL')
      .argParser(intArg('pool', 1, 100))
      .default(DEFAULT_PG_POOL_SIZE)
      .env('RINHA_PG_POOL'),
  ],
  up: (c, own) =>
    upCrebito({
      store: c.store as LedgerStoreKind,
      balancer: c.balancer,
      port: c.port,
      limits: c.limits,
      canned: c.canned,
      signal: c.signal,
      pgSettings: own.pgSetting as Record<string, string>,
      pgData: own.pgData as (typeof PG_DATA)[number],
      ...(own.pgPool === undefined ? {} : { pgPool: Number(own.pgPool) }),
      ...(c.runDir === undefined ? {} : { runDir: c.runDir }),
    }),
  async serve(c, own) {
    const instance = await startCrebitoInstance(
      c.canned
        ? { canned: true, listen: c.target, log: c.log }
        : { store: storeConfig(own), listen: c.target, log: c.log },
    );
    return {
      description: `crebito instance ${process.pid} listening on ${describeTarget(c.target)} (${c.canned ? 'canned responses' : `store ${String(own.store)}`})`,
      close: () => instance.close(),
    };
  },
  deployFiles: crebitoDeployFiles,
};
