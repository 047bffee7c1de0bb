// `rinha up 2024`: the whole Crébito topology on this machine. Database (a throwaway PostgreSQL
// cluster, or a fresh SQLite file), two API instances on unix sockets, and the load balancer on
// the public port (nginx, or the built-in balancer when nginx is not installed). The run's
// skeleton (folders, ports, readiness, users, stop) is stack/run.ts.
import { chownSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import { RinhaError } from '../errors.js';
import { projectPath } from '../paths.js';
import { startBalancer, type BalancerChoice } from '../stack/load-balancer.js';
import { rinhaProcess } from '../stack/node.js';
import {
  connect,
  createDatabase,
  findPgBinDir,
  initCluster,
  PG_SUPERUSER,
  postgresService,
  type PgCluster,
} from '../stack/postgres.js';
import { httpStatus } from '../stack/probe.js';
import { buildStack, callerRunOptions, SHM, type Run } from '../stack/run.js';
import type { Stack } from '../stack/stack.js';
import { SCRATCH_PREFIX } from '../stack/stack.js';
import { service } from '../stack/topology.js';
import { serviceUser } from '../stack/users.js';
import type { StoreConfig } from './instance.js';
import { initSqliteDatabase } from './store/sqlite.js';
import { SEED_CLIENTS } from './core/clients.js';
import { crebitoWarmRequests } from './http/warmup.js';
import { sendWarmRequests } from '../http/warmup.js';

/** Rounds of the warm-up requests sent through the balancer once it is up. */
const BALANCER_WARMUP_ROUNDS = 5;
import type { LedgerStoreKind } from './store/store.js';
import {
  CREBITO_API_V8_FLAGS,
  CREBITO_APIS,
  CREBITO_DATABASE,
  CREBITO_NGINX,
  CREBITO_PG_POOL_SIZE,
  CREBITO_PG_SETTINGS,
  CREBITO_TOPOLOGY,
  crebitoTopology,
} from './topology.js';

export type { BalancerChoice };

export interface CrebitoUpOptions {
  readonly store: LedgerStoreKind;
  readonly port?: number;
  readonly runDir?: string;
  readonly limits?: boolean;
  readonly balancer?: BalancerChoice;
  /** API instances answer canned responses (no store): the latency floor of this topology. */
  readonly canned?: boolean;
  /** Extra PostgreSQL settings (name=value), over the topology's. */
  readonly pgSettings?: Readonly<Record<string, string>>;
  /**
   * Where the throwaway cluster keeps its files: 'memory' (tmpfs, /dev/shm) or 'disk'. Both
   * survive any process crash (PostgreSQL's own included); only an OS crash loses a memory
   * cluster, and the runner deletes the cluster at every stop anyway. Default 'memory': commits
   * then cost no disk flush (measured in docs/BENCHMARKS.md).
   */
  readonly pgData?: 'memory' | 'disk';
  /** Connections per API instance to PostgreSQL (default: the topology's). */
  readonly pgPool?: number;
  readonly log?: (msg: string) => void;
  /** Aborts the start-up (e.g. Ctrl-C while starting): what was started is stopped. */
  readonly signal?: AbortSignal;
}

export interface CrebitoStack {
  readonly stack: Stack;
  readonly port: number;
  readonly runDir: string;
  /** How the API instances reach the store (tests use it to inspect the database directly). */
  readonly store: StoreConfig;
  readonly pg?: PgCluster;
  readonly balancer: 'nginx' | 'builtin';
  stop(): Promise<void>;
}

/** The contract: GET /clientes/1/extrato must answer within 40 s of start-up. */
const READY_TIMEOUT_MS = 40_000;
const READY_PATH = '/clientes/1/extrato';

async function startPostgres(
  run: Run,
  o: CrebitoUpOptions,
): Promise<{ pg: PgCluster; store: StoreConfig }> {
  const binDir = findPgBinDir();
  if (binDir === undefined)
    throw new RinhaError(
      'BINARY_MISSING',
      'PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)',
    );
  const inMemory = o.pgData !== 'disk' && existsSync(SHM);
  const pgBase = inMemory
    ? mkdtempSync(path.join(SHM, `${SCRATCH_PREFIX}${process.pid}-`))
    : path.join(run.scratch, 'pg');
  run.removeAtStop(pgBase);
  const pg = initCluster(pgBase, binDir);
  run.log(`PostgreSQL data in ${pgBase} (${inMemory ? 'memory' : 'disk'})`);
  const db = run.launch(
    postgresService(pg, { ...CREBITO_PG_SETTINGS, ...o.pgSettings }, run.stack.logFile('db')),
    service(crebitoTopology('postgres'), 'db').limits,
  );
  await run.ready('database', () => pgReady(pg), db);
  await createDatabase(pg, CREBITO_DATABASE, [
    projectPath('src/crebito/sql/postgres-schema.sql'),
    projectPath('src/crebito/sql/seed.sql'),
  ]);
  return {
    pg,
    store: {
      kind: 'postgres',
      host: pg.socketDir,
      port: pg.port,
      database: CREBITO_DATABASE,
      user: PG_SUPERUSER,
      poolSize: o.pgPool ?? CREBITO_PG_POOL_SIZE,
    },
  };
}

/**
 * A fresh SQLite file, in a folder of the run's scratch that the APIs' user owns (SQLite writes
 * its -wal and -shm next to it); like the PostgreSQL cluster, it goes when the run stops.
 */
function freshSqlite(run: Run): StoreConfig {
  const dir = path.join(run.scratch, 'sqlite');
  mkdirSync(dir, { mode: 0o700 });
  const file = path.join(dir, 'crebito.sqlite');
  initSqliteDatabase(file);
  const u = serviceUser('app');
  if (u !== undefined) for (const f of [dir, file]) chownSync(f, u.uid, u.gid);
  return { kind: 'sqlite', file };
}

export async function upCrebito(o: CrebitoUpOptions): Promise<CrebitoStack> {
  const port = o.port ?? CREBITO_TOPOLOGY.port;
  const topology = crebitoTopology(o.store);
  return buildStack(
    {
      label: `2024-${o.store}`,
      readyTimeoutMs: READY_TIMEOUT_MS,
      ports: [{ port, what: 'load balancer' }],
      ...callerRunOptions(o),
    },
    async (run) => {
      // The canned floor runs the store's limits without the store.
      const db =
        o.store === 'postgres' && !o.canned
          ? await startPostgres(run, o)
          : { store: freshSqlite(run) };
      const sockets: string[] = [];
      for (const name of CREBITO_APIS) {
        const socket = path.join(run.publicDir, `${name}.sock`);
        sockets.push(socket);
        const limits = service(topology, name).limits;
        const args = [
          'serve',
          '2024',
          '--socket',
          socket,
          ...(o.canned ? ['--canned'] : storeArgs(db.store)),
        ];
        const api = run.launch(
          {
            name,
            ...rinhaProcess(limits, args, CREBITO_API_V8_FLAGS),
            env: { ...process.env, NODE_ENV: 'production' },
            runAs: 'app',
          },
          limits,
        );
        await run.ready(
          name,
          async () => (await httpStatus({ socketPath: socket }, READY_PATH)) === 200,
          api,
        );
      }
      const { kind } = await startBalancer(run, {
        choice: o.balancer ?? 'auto',
        port,
        sockets,
        limits: service(topology, 'lb').limits,
        nginx: CREBITO_NGINX,
        readyPath: READY_PATH,
      });
      // nginx's upstream keep-alive connections open before the first real request.
      await sendWarmRequests(
        { origin: `http://127.0.0.1:${port}` },
        crebitoWarmRequests(SEED_CLIENTS).map((r) => (o.canned ? { ...r, expect: 200 } : r)),
        {
          rounds: BALANCER_WARMUP_ROUNDS,
          concurrency: CREBITO_NGINX.upstreamKeepalive / 4,
        },
      );
      run.publish('2024', port, `${o.canned ? 'canned' : o.store}, balancer ${kind}`);
      run.log(
        `ready: http://127.0.0.1:${port} (${o.canned ? 'CANNED responses, no store' : `store ${o.store}`}, balancer ${kind})`,
      );
      return {
        stack: run.stack,
        port,
        runDir: run.runDir,
        store: db.store,
        ...('pg' in db ? { pg: db.pg } : {}),
        balancer: kind,
        stop: () => run.stop(),
      };
    },
  );
}

async function pgReady(c: PgCluster): Promise<boolean> {
  const sql = connect(c, 'postgres');
  try {
    await sql`SELECT 1`;
    return true;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

function storeArgs(s: StoreConfig): string[] {
  if (s.kind === 'sqlite') return ['--store', 'sqlite', '--sqlite-file', s.file];
  return [
    '--store',
    'postgres',
    '--pg-host',
    s.host,
    '--pg-port',
    String(s.port),
    '--pg-database',
    s.database,
    '--pg-user',
    s.user,
    '--pg-pool',
    String(s.poolSize),
  ];
}
