// Launches a system's load balancer as a stack service: nginx when installed (config rendered
// into the run folder), otherwise the built-in balancer, and says which.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { projectPath } from '../paths.js';
import type { Limits } from './cgroups.js';
import { findNginx, renderNginxConf } from './nginx.js';
import type { Service } from './service.js';
import type { Stack } from './stack.js';
import { nodeHeapMB } from './topology.js';

export type BalancerChoice = 'auto' | 'nginx' | 'builtin';

/**
 * Node cannot start within nginx's 20-30 MB (its baseline is about 40 MB): the built-in balancer,
 * a fallback for machines without nginx, gets at least this much, and the runner says so.
 */
export const BUILTIN_BALANCER_MIN_MB = 80;

export interface LaunchBalancerOptions {
  readonly choice: BalancerChoice;
  readonly port: number;
  readonly sockets: readonly string[];
  readonly limits: Limits;
  readonly nginx: {
    readonly workerProcesses: number;
    readonly workerConnections: number;
    readonly upstreamKeepalive: number;
  };
  /** Private folder for nginx's pid and temp files. */
  readonly runtimeDir: string;
  readonly log: (m: string) => void;
}

export function launchBalancer(
  stack: Stack,
  o: LaunchBalancerOptions,
): { service: Service; kind: 'nginx' | 'builtin' } {
  const nginx = o.choice === 'builtin' ? undefined : findNginx();
  if (nginx === undefined && o.choice === 'nginx')
    throw new Error('nginx is not installed (apt-get install nginx-light)');
  if (nginx === undefined && o.choice !== 'builtin')
    o.log(
      'nginx not found: using the built-in balancer (apt-get install nginx-light for the real one)',
    );
  if (nginx !== undefined) {
    const conf = path.join(stack.opts.runDir, 'nginx.conf');
    writeFileSync(
      conf,
      renderNginxConf({
        port: o.port,
        listenHost: '127.0.0.1',
        upstreams: o.sockets.map((s) => `unix:${s}`),
        ...o.nginx,
        runtimeDir: o.runtimeDir,
        ...(process.getuid?.() === 0 ? { user: 'nobody nogroup' } : {}),
      }),
    );
    return {
      service: stack.launch(
        { name: 'lb', command: nginx, args: ['-e', 'stderr', '-p', o.runtimeDir, '-c', conf] },
        o.limits,
      ),
      kind: 'nginx',
    };
  }
  const limits = {
    cpus: o.limits.cpus,
    memoryMB: Math.max(o.limits.memoryMB, BUILTIN_BALANCER_MIN_MB),
  };
  if (limits.memoryMB !== o.limits.memoryMB) {
    o.log(
      `built-in balancer: memory limit raised from ${o.limits.memoryMB} to ${limits.memoryMB} MB (Node needs it); the stack exceeds the competition budget by the difference`,
    );
  }
  const args = [
    `--max-old-space-size=${nodeHeapMB(limits)}`,
    projectPath('bin', 'rinha.js'),
    'balancer',
    '--port',
    String(o.port),
    ...o.sockets.flatMap((s) => ['--upstream', s]),
  ];
  return {
    service: stack.launch({ name: 'lb', command: process.execPath, args }, limits),
    kind: 'builtin',
  };
}
