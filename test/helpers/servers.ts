// Real database servers for the contract suites: a throwaway PostgreSQL cluster and a Redis
// server, each started from the system's binaries in a private folder, stopped by PID after.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack, waitUntil } from '../../src/stack/stack.js';
import {
  connect,
  createDatabase,
  findPgBinDir,
  initCluster,
  postgresService,
  type PgCluster,
} from '../../src/stack/postgres.js';
import { findRedisServer, redisPing, redisServerArgs } from '../../src/stack/redis.js';
import { projectPath } from '../../src/paths.js';

export interface Server<T> {
  readonly info: T;
  stop(): Promise<void>;
}

async function privateStack(label: string): Promise<{ stack: Stack; dir: string }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `rinha-${label}-`));
  chmodSync(dir, 0o755);
  const stack = await Stack.open({ runDir: path.join(dir, 'run'), limits: false, log: () => {} });
  return { stack, dir };
}

export async function startPostgresServer(): Promise<
  Server<PgCluster> & { freshDatabase(): Promise<string> }
> {
  const binDir = findPgBinDir();
  if (binDir === undefined) throw new Error('PostgreSQL server binaries are not installed');
  const { stack, dir } = await privateStack('pg');
  const pg = initCluster(path.join(dir, 'pg'), binDir);
  const db = stack.launch(
    postgresService(pg, { fsync: 'off', max_connections: 100 }, stack.logFile('db')),
    { cpus: 1, memoryMB: 512 },
  );
  await waitUntil(
    'postgres',
    async () => {
      const sql = connect(pg, 'postgres');
      try {
        await sql`SELECT 1`;
        return true;
      } finally {
        await sql.end({ timeout: 1 });
      }
    },
    { timeoutMs: 30_000, service: db },
  );
  let n = 0;
  return {
    info: pg,
    async freshDatabase() {
      const name = `contract_${process.pid}_${n++}`;
      await createDatabase(pg, name, [
        projectPath('src/crebito/sql/postgres-schema.sql'),
        projectPath('src/crebito/sql/seed.sql'),
      ]);
      return name;
    },
    async stop() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startRedisServer(): Promise<Server<{ socket: string }>> {
  const bin = findRedisServer();
  if (bin === undefined) throw new Error('redis-server is not installed');
  const { stack, dir } = await privateStack('redis');
  const socket = path.join(dir, 'redis.sock');
  const svc = stack.launch(
    { name: 'redis', command: bin, args: redisServerArgs(socket, { cpus: 1, memoryMB: 256 }) },
    { cpus: 1, memoryMB: 256 },
  );
  await waitUntil('redis', () => redisPing(socket), { timeoutMs: 10_000, service: svc });
  return {
    info: { socket },
    async stop() {
      await stack.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
