// The unprivileged users a stack's services run as when the runner is root (root is kept for
// cgroups and setup only): the APIs, simulators and Redis as `nobody`, nginx as `www-data` (so
// it cannot reach the APIs' private sockets, which belong to nobody), PostgreSQL as `postgres`.
import { readFileSync } from 'node:fs';

export interface SystemUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
}

export function lookupUser(name: string): SystemUser | undefined {
  for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f[2] !== undefined && f[3] !== undefined)
      return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  return undefined;
}

export const isRoot = (): boolean => process.getuid?.() === 0;

export type ServiceKind = 'app' | 'balancer';

const USER_OF: Record<ServiceKind, string> = { app: 'nobody', balancer: 'www-data' };

/** Who a service of this kind runs as: undefined when we are not root (it runs as us). */
export function serviceUser(kind: ServiceKind): SystemUser | undefined {
  if (!isRoot()) return undefined;
  return lookupUser(USER_OF[kind]);
}
