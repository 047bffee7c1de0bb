// A throwaway PostgreSQL cluster from the system's server binaries: a fresh data directory owned
// by an unprivileged user, a unix socket only (no TCP), settings from the topology.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import postgres from 'postgres';
import type { ServiceSpec } from './service.js';
import { lookupUser, type SystemUser } from './users.js';
import { RinhaError } from '../errors.js';

export interface PgCluster {
  readonly binDir: string;
  readonly dataDir: string;
  /** Directory holding the unix socket `.s.PGSQL.<port>`. */
  readonly socketDir: string;
  readonly port: number;
  readonly user: SystemUser;
}

/** The socket's port number (only names the socket file: the cluster listens on no TCP port). */
export const PG_SOCKET_PORT = 5432;
export const PG_SUPERUSER = 'postgres';

export function findPgBinDir(): string | undefined {
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return undefined;
  const versions = readdirSync(base)
    .filter((v) => existsSync(path.join(base, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : path.join(base, versions[0], 'bin');
}

/** PostgreSQL refuses to run as root: as root use its own user (or nobody); else run as we are. */
export function databaseUser(): SystemUser {
  const uid = process.getuid?.();
  if (uid !== undefined && uid !== 0)
    return { name: 'current user', uid, gid: process.getgid?.() ?? uid };
  const u = lookupUser('postgres') ?? lookupUser('nobody');
  if (u === undefined)
    throw new RinhaError('SETUP_FAILED', 'no "postgres" or "nobody" user to run PostgreSQL as');
  return u;
}

/** initdb into dir/data (dir must exist); returns the cluster description. */
export function initCluster(dir: string, binDir: string): PgCluster {
  const user = databaseUser();
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const root = process.getuid?.() === 0;
  if (root) {
    chownSync(dir, user.uid, user.gid);
    chownSync(dataDir, user.uid, user.gid);
  }
  // The socket lives in `dir`: the APIs (another user) must reach it; the data stays 0700.
  chmodSync(dir, 0o711);
  const initdb = [
    path.join(binDir, 'initdb'),
    '-D',
    dataDir,
    '-U',
    PG_SUPERUSER,
    '--auth=trust',
    '--encoding=UTF8',
    '--locale=C',
    '--no-sync',
  ];
  const argv = root
    ? ['setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...initdb]
    : initdb;
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0)
    throw new RinhaError(
      'SETUP_FAILED',
      `initdb failed: ${r.stderr || r.stdout || r.error?.message}`,
    );
  return { binDir, dataDir, socketDir: dir, port: PG_SOCKET_PORT, user };
}

export function postgresService(
  c: PgCluster,
  settings: Record<string, string | number>,
  logFile: string,
): ServiceSpec {
  const all: Record<string, string | number> = {
    listen_addresses: '',
    unix_socket_directories: c.socketDir,
    port: c.port,
    ...settings,
  };
  const args = ['-D', c.dataDir];
  for (const [k, v] of Object.entries(all)) args.push('-c', `${k}=${v}`);
  return {
    name: 'db',
    command: path.join(c.binDir, 'postgres'),
    args,
    ...(process.getuid?.() === 0 ? { user: { uid: c.user.uid, gid: c.user.gid } } : {}),
    stopSignal: 'SIGINT', // "fast" shutdown: SIGTERM would wait for every client to disconnect.
    logFile,
  };
}

export function connect(c: PgCluster, database: string): postgres.Sql {
  return postgres({
    host: c.socketDir,
    port: c.port,
    username: PG_SUPERUSER,
    database,
    max: 1,
    onnotice: () => {},
    connect_timeout: 2,
  });
}

/** Creates `database` and runs the SQL files in it, in order. */
export async function createDatabase(
  c: PgCluster,
  database: string,
  sqlFiles: readonly string[],
): Promise<void> {
  const admin = connect(c, 'postgres');
  try {
    await admin.unsafe(`CREATE DATABASE ${database}`);
  } finally {
    await admin.end();
  }
  const db = connect(c, database);
  try {
    for (const f of sqlFiles) await db.unsafe(readFileSync(f, 'utf8'));
  } finally {
    await db.end();
  }
}

export function writeSqlBundle(file: string, sqlFiles: readonly string[]): void {
  writeFileSync(file, sqlFiles.map((f) => readFileSync(f, 'utf8')).join('\n'));
}
