// A system's topology: its services and their resource limits, the single source of truth from
// which the local stack runner and the deployment files (docker-compose.yml) are both made.
import assert from 'node:assert/strict';
import type { Limits } from './cgroups.js';

/** What a service is in the topology (not to be confused with the health poller's roles). */
export type ServiceRole = 'lb' | 'api' | 'db' | 'cache' | 'processor';

export interface ServiceTopology {
  readonly name: string;
  readonly role: ServiceRole;
  readonly limits: Limits;
}

export interface Topology {
  /** The system's id, as the CLI names it ('2024', '2025'). */
  readonly system: string;
  /** The competition's ceiling for the sum of all services' limits. */
  readonly budget: Limits;
  /** The load balancer's public port. */
  readonly port: number;
  readonly services: readonly ServiceTopology[];
}

export function totalLimits(services: readonly ServiceTopology[]): Limits {
  let cpus = 0;
  let memoryMB = 0;
  for (const s of services) {
    cpus += s.limits.cpus;
    memoryMB += s.limits.memoryMB;
  }
  // Round away float noise (0.1 + 0.2): limits are given to the hundredth of a CPU.
  return { cpus: Math.round(cpus * 1000) / 1000, memoryMB };
}

export function withinBudget(t: Topology): boolean {
  const total = totalLimits(t.services);
  return total.cpus <= t.budget.cpus && total.memoryMB <= t.budget.memoryMB;
}

export function service(t: Topology, name: string): ServiceTopology {
  const s = t.services.find((x) => x.name === name);
  assert(s !== undefined, `topology ${t.system} has no service ${name}`);
  return s;
}

/** The names of the topology's services with this role, in order. */
export function servicesWithRole(t: Topology, role: ServiceRole): string[] {
  return t.services.filter((s) => s.role === role).map((s) => s.name);
}
