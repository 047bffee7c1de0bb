// The Crébito (2024/Q1) topology: the ONE place that says which services run with which limits
// and settings. The local runner (crebito/stack.ts) and the deployment files (deploy/2024/, made
// by crebito/deploy.ts) are both generated from it, one split per store. Sum: 1.5 CPU, 550 MB.
import { servicesWithRole, type Topology } from '../stack/topology.js';
import { DEFAULT_PG_POOL_SIZE } from './store/postgres.js';
import type { LedgerStoreKind } from './store/store.js';

const LB_CPUS = { postgres: 0.35, sqlite: 0.5 } as const;
const API_CPUS = { postgres: 0.3, sqlite: 0.5 } as const;

/**
 * PostgreSQL, as in the competition (the compose file). Split from what each service used in its
 * busiest second of the official scenario (docs/BENCHMARKS.md, sessions 5-6): nginx up to 0.21 CPU
 * (a new connection per request; throttled at 0.2 in every run, never at 0.35), each API up to
 * 0.19, PostgreSQL up to 0.30 (at 0.5 it was throttled every 20 s by autovacuum on transacoes).
 */
export const CREBITO_TOPOLOGY: Topology = {
  system: '2024',
  budget: { cpus: 1.5, memoryMB: 550 },
  port: 9999,
  services: [
    { name: 'lb', role: 'lb', limits: { cpus: LB_CPUS.postgres, memoryMB: 20 } },
    { name: 'api1', role: 'api', limits: { cpus: API_CPUS.postgres, memoryMB: 100 } },
    { name: 'api2', role: 'api', limits: { cpus: API_CPUS.postgres, memoryMB: 100 } },
    { name: 'db', role: 'db', limits: { cpus: 0.55, memoryMB: 330 } },
  ],
};

/** SQLite (the embedded default): no database service, its share split between nginx and the APIs. */
export const CREBITO_SQLITE_TOPOLOGY: Topology = {
  ...CREBITO_TOPOLOGY,
  services: [
    { name: 'lb', role: 'lb', limits: { cpus: LB_CPUS.sqlite, memoryMB: 20 } },
    { name: 'api1', role: 'api', limits: { cpus: API_CPUS.sqlite, memoryMB: 100 } },
    { name: 'api2', role: 'api', limits: { cpus: API_CPUS.sqlite, memoryMB: 100 } },
  ],
};

export function crebitoTopology(store: LedgerStoreKind): Topology {
  return store === 'postgres' ? CREBITO_TOPOLOGY : CREBITO_SQLITE_TOPOLOGY;
}

/**
 * The young generation of each API, in MB per semi-space. Under its 100 MB cgroup V8 sized it
 * under 1 MB: a scavenge every ~60 requests, and the first one after the warm-up's full GC fell
 * inside the official test's criteria window in 15 of 15 traced runs (0.5-4.3 ms). Not larger
 * than 4: V8 starts marking the old space once the room left below its limit (halfway from the
 * live size to the 60 MB ceiling, ~36 MB) is smaller than one semi-space, and at 16 MB that was
 * an old space of 20 MB — a mark-compact ~2 minutes in and another at the end, each an API's
 * throttled period. At 4 MB the marking starts at ~32 MB, above the ~28 MB a run reaches; 7-11
 * scavenges per API in a 12-s run instead of 26-40, none in the window (docs/BENCHMARKS.md,
 * session 13).
 */
const CREBITO_API_YOUNG_GENERATION = [
  '--min-semi-space-size=4',
  '--max-semi-space-size=4',
] as const;

/**
 * V8 flags of each API: no mark-compact while the test runs. Traced under the official scenario
 * (docs/BENCHMARKS.md, session 12): with V8's defaults each API ran three memory-reducer
 * mark-compacts about 8 s after its warm-up — in the load's first seconds — and one more when
 * the old space reached 1.7 × its live 12 MB, ~2 minutes in; each was the API's throttled period
 * of the run. So the warm-up ends with one full GC (`--expose-gc`, http/warmup.ts
 * `compactHeap`), the memory reducer is off (the API's memory limit is fixed, nothing to give
 * back), and the old space may grow to 4 × its live size — V8 caps that halfway to the 60 MB
 * ceiling, ~36 MB — before the next mark-compact: the run promotes ~16 MB.
 */
export const CREBITO_API_V8_FLAGS = [
  '--expose-gc',
  '--no-memory-reducer',
  '--heap-growing-percent=300',
  ...CREBITO_API_YOUNG_GENERATION,
] as const;

export const CREBITO_APIS = servicesWithRole(CREBITO_TOPOLOGY, 'api');

export const CREBITO_DATABASE = 'rinha';

/** Connections per API instance to PostgreSQL. */
export const CREBITO_PG_POOL_SIZE = DEFAULT_PG_POOL_SIZE;

/** PostgreSQL settings for a 0.5 CPU / 330 MB container: durable commits, no JIT, small pools. */
export const CREBITO_PG_SETTINGS: Record<string, string | number> = {
  max_connections: 30,
  shared_buffers: '96MB',
  effective_cache_size: '200MB',
  work_mem: '4MB',
  maintenance_work_mem: '32MB',
  wal_buffers: '8MB',
  synchronous_commit: 'on',
  fsync: 'on',
  checkpoint_timeout: '15min',
  max_wal_size: '512MB',
  jit: 'off',
  huge_pages: 'off',
  log_min_messages: 'warning',
  log_checkpoints: 'off',
};

/**
 * Which clients each API serves: nginx sends /clientes/{1,3,5}/… to api1 and /clientes/{2,4}/…
 * to api2 (any other path round robin). Correctness does not rest on it — the store's locks keep
 * the ledger exact whichever instance serves a request — but one instance then takes each
 * client's requests in the order nginx received them. Traced (docs/BENCHMARKS.md, session 13):
 * with round robin, the official test's load-start race was lost when the API holding a client's
 * first extrato sat 4-5 ms on the CPU run queue (2 vCPUs shared with the load generator) while
 * the other API applied the load's first write to that client. The split is 3:2 by client, and
 * the load picks clients uniformly, so api1 takes 60% of the requests.
 */
export const CREBITO_CLIENT_AFFINITY = {
  prefix: '/clientes/',
  keysByUpstream: [
    ['1', '3', '5'],
    ['2', '4'],
  ],
} as const;

/** nginx: one worker (0.2 CPU) is plenty for ~350 requests/s. */
export const CREBITO_NGINX = {
  workerProcesses: 1,
  workerConnections: 2048,
  upstreamKeepalive: 64,
  affinity: CREBITO_CLIENT_AFFINITY,
} as const;
