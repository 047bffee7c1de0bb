// The Payments (2025) topology: the ONE place for its services and limits (sum: 1.5 CPU,
// 350 MB). The processors are not part of the budget (in the competition they run from the
// official compose file); locally the simulators get the official processor's own limits.
import type { Limits } from '../stack/cgroups.js';
import { servicesWithRole, type Topology } from '../stack/topology.js';

const API_MEMORY_MB = 130; // peak 77-85 MB per API over a final run (docs/BENCHMARKS.md)

/**
 * Redis store: Redis gets 0.1 CPU and 60 MB (90,000 payments in sorted sets peaked at 22.5 MB;
 * at 30 MB, maxmemory 24 MB with noeviction, a longer run would have had its writes refused).
 */
export const PAYMENTS_REDIS_TOPOLOGY: Topology = {
  system: '2025',
  budget: { cpus: 1.5, memoryMB: 350 },
  port: 9999,
  services: [
    { name: 'lb', role: 'lb', limits: { cpus: 0.2, memoryMB: 30 } },
    { name: 'api1', role: 'api', limits: { cpus: 0.6, memoryMB: API_MEMORY_MB } },
    { name: 'api2', role: 'api', limits: { cpus: 0.6, memoryMB: API_MEMORY_MB } },
    { name: 'redis', role: 'cache', limits: { cpus: 0.1, memoryMB: 60 } },
  ],
};

/**
 * Memory store (the default): no Redis. Its 0.1 CPU was tried on nginx (0.3) in 2025-final runs
 * beside 0.2, alternating: p99 11.86 / 15.79 ms against 9.81 / 13.83 ms — no gain (our nginx is
 * throttled 0-3 times a run at 0.2; docs/BENCHMARKS.md, session 5), so the limits stay and the
 * share stays unused (sum 1.4 CPU).
 */
export const PAYMENTS_TOPOLOGY: Topology = {
  ...PAYMENTS_REDIS_TOPOLOGY,
  services: [
    { name: 'lb', role: 'lb', limits: { cpus: 0.2, memoryMB: 30 } },
    { name: 'api1', role: 'api', limits: { cpus: 0.6, memoryMB: API_MEMORY_MB } },
    { name: 'api2', role: 'api', limits: { cpus: 0.6, memoryMB: API_MEMORY_MB } },
  ],
};

/**
 * --durable: every accepted payment costs Redis an XADD, a read, a note and a settle; at 0.1 CPU
 * its CFS quota ran out within 100-ms periods and POST /payments (which waits for the XADD)
 * stalled behind it (p99 10 ms). Redis gets 0.2 CPU, taken from the APIs (docs/BENCHMARKS.md).
 */
export const PAYMENTS_DURABLE_TOPOLOGY: Topology = {
  ...PAYMENTS_REDIS_TOPOLOGY,
  services: PAYMENTS_REDIS_TOPOLOGY.services.map((s) =>
    s.role === 'api'
      ? { ...s, limits: { ...s.limits, cpus: 0.55 } }
      : s.role === 'cache'
        ? { ...s, limits: { ...s.limits, cpus: 0.2 } }
        : s,
  ),
};

/** The topology a store runs with. */
export function paymentsTopology(store: 'memory' | 'redis', durable: boolean): Topology {
  return durable
    ? PAYMENTS_DURABLE_TOPOLOGY
    : store === 'redis'
      ? PAYMENTS_REDIS_TOPOLOGY
      : PAYMENTS_TOPOLOGY;
}

export type PaymentsStoreKind = 'memory' | 'redis';
export const PAYMENTS_STORES: readonly PaymentsStoreKind[] = ['memory', 'redis'];

export const PAYMENTS_APIS = servicesWithRole(PAYMENTS_TOPOLOGY, 'api');

/** Outside the budget: each simulator as limited as the official processor (1.5 CPU, 100 MB + its DB). */
export const SIMULATOR_LIMITS: Limits = { cpus: 1.5, memoryMB: 200 };
/** The simulators `rinha up 2025` starts unless processor URLs are given (fees: --fees). */
export const SIMULATORS = [
  { name: 'processor-default', processor: 'default', port: 8001 },
  { name: 'processor-fallback', processor: 'fallback', port: 8002 },
] as const;

/**
 * V8 flags of each API: a young generation big enough (8-16 MB semi-spaces instead of ~1 MB)
 * that a payment's objects die young even while a slow default holds it 0.5-5 s in flight; with
 * the default, they were promoted and a final-like run ended with a 4-12 ms mark-compact every
 * 5-8 s per API (docs/BENCHMARKS.md: 20-22 mark-compacts down to 5, p99 6.8 → 5.7 ms, peak memory
 * 78 MB of 130). Command-line flags: --min-semi-space-size is not allowed in NODE_OPTIONS.
 * --expose-gc lets the warm-up end with one full GC (http/warmup.ts compactHeap), as Crébito's.
 */
export const PAYMENTS_API_V8_FLAGS = [
  '--expose-gc',
  '--min-semi-space-size=8',
  '--max-semi-space-size=16',
] as const;

/**
 * nginx: two workers. Up to 600 k6 VUs start on a 100-ms grid and fire in bursts; two workers
 * take a burst on both cores (docs/BENCHMARKS.md: p99 0.1-0.6 ms lower in 4 of 4 bursty runs, same
 * in the preview, 1 s more nginx CPU over a final-like run, peak 8 MB of its 30).
 */
export const PAYMENTS_NGINX = {
  workerProcesses: 2,
  workerConnections: 4096,
  upstreamKeepalive: 128,
} as const;
