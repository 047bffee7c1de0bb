// Launches a system's load balancer as a stack service: nginx when installed (config rendered
// into the run folder, run as its own unprivileged user), otherwise the built-in TCP balancer
// (stack/tcp-balancer.ts), and says which.
import { chownSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { RinhaError } from '../errors.js';
import type { Limits } from './cgroups.js';
import { findNginx, renderNginxConf, type NginxOptions } from './nginx.js';
import { rinhaProcess } from './node.js';
import { httpStatus } from './probe.js';
import type { Run } from './run.js';
import type { Service } from './service.js';
import { isRoot, serviceUser } from './users.js';

export type BalancerChoice = 'auto' | 'nginx' | 'builtin';
export const BALANCER_CHOICES: readonly BalancerChoice[] = ['auto', 'nginx', 'builtin'];

/**
 * Node cannot start within nginx's 20-30 MB (its baseline is about 40 MB): the built-in balancer,
 * a fallback for machines without nginx, gets at least this much, and the runner says so.
 */
export const BUILTIN_BALANCER_MIN_MB = 80;

export interface BalancerOptions {
  readonly choice: BalancerChoice;
  readonly port: number;
  /** The APIs' public sockets. */
  readonly sockets: readonly string[];
  readonly limits: Limits;
  readonly nginx: Pick<
    NginxOptions,
    'workerProcesses' | 'workerConnections' | 'upstreamKeepalive' | 'affinity'
  >;
  /** A path the stack answers 200 on once the balancer forwards (readiness). */
  readonly readyPath: string;
}

export async function startBalancer(
  run: Run,
  o: BalancerOptions,
): Promise<{ service: Service; kind: 'nginx' | 'builtin' }> {
  const nginx = o.choice === 'builtin' ? undefined : findNginx();
  if (nginx === undefined && o.choice === 'nginx')
    throw new RinhaError('BINARY_MISSING', 'nginx is not installed (apt-get install nginx-light)');
  if (nginx === undefined && o.choice !== 'builtin')
    run.log(
      'nginx not found: using the built-in balancer (apt-get install nginx-light for the real one)',
    );
  let service: Service;
  if (nginx !== undefined) {
    // nginx's pid and temp files, owned by the user it runs as.
    const runtimeDir = path.join(run.scratch, 'nginx');
    mkdirSync(runtimeDir, { mode: 0o700 });
    const user = serviceUser('balancer');
    if (user !== undefined) chownSync(runtimeDir, user.uid, user.gid);
    // In nginx's own folder (it may not read the run folder); a copy goes to the run folder.
    const conf = path.join(runtimeDir, 'nginx.conf');
    const text = renderNginxConf({
      port: o.port,
      listenHost: '127.0.0.1',
      upstreams: o.sockets.map((s) => `unix:${s}`),
      ...o.nginx,
      runtimeDir,
      // Without a user of its own, nginx keeps root for its master and drops it for workers.
      ...(isRoot() && user === undefined ? { user: 'nobody nogroup' } : {}),
    });
    writeFileSync(conf, text, { mode: 0o644 });
    writeFileSync(path.join(run.runDir, 'nginx.conf'), text);
    service = run.launch(
      {
        name: 'lb',
        command: nginx,
        args: ['-e', 'stderr', '-p', runtimeDir, '-c', conf],
        runAs: 'balancer',
      },
      o.limits,
    );
  } else {
    const limits = {
      cpus: o.limits.cpus,
      memoryMB: Math.max(o.limits.memoryMB, BUILTIN_BALANCER_MIN_MB),
    };
    if (o.nginx.affinity !== undefined)
      run.log('built-in balancer: round robin per connection (the per-key affinity needs nginx)');
    if (limits.memoryMB !== o.limits.memoryMB)
      run.log(
        `built-in balancer: memory limit raised from ${o.limits.memoryMB} to ${limits.memoryMB} MB (Node needs it); the stack exceeds the competition budget by the difference`,
      );
    const p = rinhaProcess(limits, [
      'balancer',
      '--port',
      String(o.port),
      ...o.sockets.flatMap((s) => ['--upstream', s]),
    ]);
    service = run.launch({ name: 'lb', ...p, runAs: 'balancer' }, limits);
  }
  await run.ready(
    'load balancer',
    async () => (await httpStatus({ port: o.port }, o.readyPath)) === 200,
    service,
  );
  return { service, kind: nginx === undefined ? 'builtin' : 'nginx' };
}
