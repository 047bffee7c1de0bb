// `rinha up 2024`: the whole Crébito topology on this machine. Database (a throwaway PostgreSQL
// cluster, or a fresh SQLite file), two API instances on unix sockets, and the load balancer on
// the public port (nginx, or the built-in balancer when nginx is not installed).
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../paths.js';
import { launchBalancer, type BalancerChoice } from '../stack/balance.js';
import {
  connect,
  createDatabase,
  findPgBinDir,
  initCluster,
  postgresService,
  type PgCluster,
  PG_SUPERUSER,
} from '../stack/postgres.js';
import { assertPortsFree, httpStatus } from '../stack/probe.js';
import { Stack, waitUntil } from '../stack/stack.js';
import { nodeHeapMB, service } from '../stack/topology.js';
import type { StoreConfig } from './instance.js';
import { initSqliteDatabase } from './store/sqlite.js';
import type { StoreKind } from './store/store.js';
import {
  API_SERVICES,
  CREBITO_DATABASE,
  CREBITO_NGINX,
  CREBITO_PG_POOL_SIZE,
  CREBITO_PG_SETTINGS,
  CREBITO_TOPOLOGY,
} from './topology.js';

export type { BalancerChoice };

export interface CrebitoUpOptions {
  readonly store: StoreKind;
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
const RINHA_BIN = projectPath('bin', 'rinha.js');
/** RAM-backed filesystem for the throwaway database cluster. */
const SHM = '/dev/shm';
/** Private folders are named rinha-<runner pid>-*, so a later run can remove those of a dead runner. */
const RUN_DIR_PREFIX = 'rinha-';

function stamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}

export async function upCrebito(o: CrebitoUpOptions): Promise<CrebitoStack> {
  const log = o.log ?? ((m: string) => console.log(`[rinha] ${m}`));
  const port = o.port ?? CREBITO_TOPOLOGY.port;
  const runDir = path.resolve(
    o.runDir ?? path.join('runs', `${stamp()}-2024-${o.store}-${process.pid}`),
  );
  // Sockets and the database cluster live in a short private path (unix socket paths max ~107 bytes).
  const tmp = mkdtempSync(path.join(os.tmpdir(), `${RUN_DIR_PREFIX}${process.pid}-`));
  chmodSync(tmp, 0o755);
  const stack = await Stack.open({
    runDir,
    limits: o.limits ?? true,
    log,
    scratchDirs: [os.tmpdir(), SHM],
  });
  const signal = o.signal;
  log(`run folder: ${runDir}`);
  const limitsOf = (name: string) => service(CREBITO_TOPOLOGY, name).limits;

  const cleanup = [tmp];
  const stop = async () => {
    await stack.stop();
    for (const dir of cleanup) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await assertPortsFree([{ port: o.port ?? CREBITO_TOPOLOGY.port, what: 'load balancer' }]);
    let store: StoreConfig;
    let pg: PgCluster | undefined;
    if (o.store === 'postgres') {
      const binDir = findPgBinDir();
      if (binDir === undefined)
        throw new Error(
          'PostgreSQL server binaries not found under /usr/lib/postgresql (apt-get install postgresql)',
        );
      const pgBase =
        o.pgData !== 'disk' && existsSync(SHM)
          ? mkdtempSync(path.join(SHM, `${RUN_DIR_PREFIX}${process.pid}-`))
          : path.join(tmp, 'pg');
      cleanup.push(pgBase);
      pg = initCluster(pgBase, binDir);
      log(`PostgreSQL data in ${pgBase} (${pgBase.startsWith(SHM) ? 'memory' : 'disk'})`);
      const cluster = pg;
      const db = stack.launch(
        postgresService(cluster, { ...CREBITO_PG_SETTINGS, ...o.pgSettings }, stack.logFile('db')),
        limitsOf('db'),
      );
      await waitUntil('database', () => pgReady(cluster), {
        timeoutMs: READY_TIMEOUT_MS,
        service: db,
        ...(signal ? { signal } : {}),
      });
      await createDatabase(cluster, CREBITO_DATABASE, [
        projectPath('src/crebito/sql/postgres-schema.sql'),
        projectPath('src/crebito/sql/seed.sql'),
      ]);
      store = {
        kind: 'postgres',
        host: cluster.socketDir,
        port: cluster.port,
        database: CREBITO_DATABASE,
        user: PG_SUPERUSER,
        poolSize: o.pgPool ?? CREBITO_PG_POOL_SIZE,
      };
    } else {
      const file = path.join(runDir, 'crebito.sqlite');
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      initSqliteDatabase(file);
      store = { kind: 'sqlite', file };
    }

    const sockets: string[] = [];
    for (const name of API_SERVICES) {
      const socket = path.join(tmp, `${name}.sock`);
      sockets.push(socket);
      const api = stack.launch(
        {
          name,
          command: process.execPath,
          args: [
            `--max-old-space-size=${nodeHeapMB(limitsOf(name))}`,
            RINHA_BIN,
            'serve',
            '2024',
            '--socket',
            socket,
            ...(o.canned ? ['--canned'] : storeArgs(store)),
          ],
          env: { ...process.env, NODE_ENV: 'production' },
        },
        limitsOf(name),
      );
      await waitUntil(
        name,
        async () => (await httpStatus({ socketPath: socket }, '/clientes/1/extrato')) === 200,
        {
          timeoutMs: READY_TIMEOUT_MS,
          service: api,
          ...(signal ? { signal } : {}),
        },
      );
    }

    const { service: lb, kind: balancer } = launchBalancer(stack, {
      choice: o.balancer ?? 'auto',
      port,
      sockets,
      limits: limitsOf('lb'),
      nginx: CREBITO_NGINX,
      runtimeDir: tmp,
      log,
    });
    await waitUntil(
      'load balancer',
      async () => (await httpStatus({ port }, '/clientes/1/extrato')) === 200,
      {
        timeoutMs: READY_TIMEOUT_MS,
        service: lb,
        ...(signal ? { signal } : {}),
      },
    );
    log(
      `ready: http://127.0.0.1:${port} (${o.canned ? 'CANNED responses, no store' : `store ${o.store}`}, balancer ${balancer})`,
    );
    return { stack, port, runDir, store, ...(pg ? { pg } : {}), balancer, stop };
  } catch (err) {
    await stop();
    throw err;
  }
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
