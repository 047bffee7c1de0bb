// `rinha up 2025`: the processors (the two simulators on 8001/8002, or external ones given by
// URL), two API instances on unix sockets that know each other, and the load balancer on 9999.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { projectPath } from '../paths.js';
import { launchBalancer, type BalancerChoice } from '../stack/balance.js';
import { assertPortsFree, httpStatus } from '../stack/probe.js';
import { Stack, waitUntil } from '../stack/stack.js';
import { nodeHeapMB, service } from '../stack/topology.js';
import {
  PAYMENTS_API_V8_FLAGS,
  PAYMENTS_APIS,
  PAYMENTS_DURABLE_TOPOLOGY,
  PAYMENTS_NGINX,
  PAYMENTS_TOPOLOGY,
  redisServerArgs,
  SIMULATOR_LIMITS,
  SIMULATORS,
  type PaymentsStoreKind,
} from './topology.js';

/** Readiness of a Redis server on a unix socket: PING answers +PONG. */
function redisPing(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const c = net.connect(socket);
    const done = (ok: boolean) => {
      c.destroy();
      resolve(ok);
    };
    c.setTimeout(500, () => done(false));
    c.once('error', () => done(false));
    c.once('connect', () => c.write('PING\r\n'));
    c.once('data', (d) => done(d.toString().startsWith('+PONG')));
  });
}

export interface PaymentsUpOptions {
  readonly port?: number;
  readonly runDir?: string;
  readonly limits?: boolean;
  readonly balancer?: BalancerChoice;
  /** External processors; when both are given no simulator is started. */
  readonly defaultUrl?: string;
  readonly fallbackUrl?: string;
  /** Ports of the simulators (default 8001/8002). */
  readonly simulatorPorts?: readonly [number, number];
  /** API instances answer canned responses (the latency floor of this topology). */
  readonly canned?: boolean;
  /** Where payments are recorded: each instance's memory (default) or a Redis server. */
  readonly store?: PaymentsStoreKind;
  /** Accepted payments go through a Redis stream (implies the Redis store). */
  readonly durable?: boolean;
  /** Policy: how long a payment waits for a down default before fallback may take it. */
  readonly fallbackAfterMs?: number;
  readonly log?: (m: string) => void;
  readonly signal?: AbortSignal;
}

export interface PaymentsStack {
  readonly stack: Stack;
  readonly port: number;
  readonly runDir: string;
  readonly processors: { readonly default: string; readonly fallback: string };
  /** The Redis socket, when the stack runs one. */
  readonly redisSocket?: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 40_000;

export async function upPayments(o: PaymentsUpOptions): Promise<PaymentsStack> {
  const log = o.log ?? ((m: string) => console.log(`[rinha] ${m}`));
  const topology = o.durable ? PAYMENTS_DURABLE_TOPOLOGY : PAYMENTS_TOPOLOGY;
  const port = o.port ?? topology.port;
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const runDir = path.resolve(o.runDir ?? path.join('runs', `${stamp}-2025-${process.pid}`));
  const tmp = mkdtempSync(path.join(os.tmpdir(), `rinha-${process.pid}-`));
  chmodSync(tmp, 0o755);
  const stack = await Stack.open({
    runDir,
    limits: o.limits ?? true,
    log,
    scratchDirs: [os.tmpdir()],
  });
  const wait = (
    what: string,
    probe: () => Promise<boolean>,
    svc: Parameters<typeof waitUntil>[2]['service'],
  ) =>
    waitUntil(what, probe, {
      timeoutMs: READY_TIMEOUT_MS,
      ...(svc ? { service: svc } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  const stop = async () => {
    await stack.stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  log(`run folder: ${runDir}`);
  try {
    const external = o.defaultUrl !== undefined && o.fallbackUrl !== undefined;
    const simPorts = o.simulatorPorts ?? [SIMULATORS[0].port, SIMULATORS[1].port];
    await assertPortsFree([
      { port, what: 'load balancer' },
      ...(external ? [] : simPorts.map((p, i) => ({ port: p, what: SIMULATORS[i]!.name }))),
    ]);
    let processors: { default: string; fallback: string };
    if (external) {
      processors = { default: o.defaultUrl, fallback: o.fallbackUrl };
      log(`external processors: default ${processors.default}, fallback ${processors.fallback}`);
    } else {
      const ports = simPorts;
      for (const [i, sim] of SIMULATORS.entries()) {
        const p = ports[i]!;
        const svc = stack.launch(
          {
            name: sim.name,
            command: process.execPath,
            args: [
              projectPath('bin', 'rinha.js'),
              'processor',
              '--port',
              String(p),
              '--fee',
              sim.fee,
            ],
          },
          SIMULATOR_LIMITS,
        );
        await wait(
          sim.name,
          async () =>
            (await httpStatus({ port: p }, '/payments/00000000-0000-4000-8000-000000000000')) ===
            404,
          svc,
        );
      }
      processors = {
        default: `http://127.0.0.1:${ports[0]}`,
        fallback: `http://127.0.0.1:${ports[1]}`,
      };
    }
    let redisSocket: string | undefined;
    if ((o.store === 'redis' || o.durable) && !o.canned) {
      const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((b) =>
        existsSync(b),
      );
      if (bin === undefined)
        throw new Error('redis-server is not installed (apt-get install redis-server)');
      const sock = path.join(tmp, 'redis.sock');
      const limits = service(topology, 'redis').limits;
      const redis = stack.launch(
        { name: 'redis', command: bin, args: redisServerArgs(sock, limits) },
        limits,
      );
      await wait('redis', () => redisPing(sock), redis);
      redisSocket = sock;
    }
    const sockets = PAYMENTS_APIS.map((name) => path.join(tmp, `${name}.sock`));
    // The instances' private sockets live where the balancer cannot reach them.
    const privateDir = path.join(tmp, 'private');
    mkdirSync(privateDir, { mode: 0o700 });
    const privateSockets = PAYMENTS_APIS.map((name) => path.join(privateDir, `${name}.sock`));
    for (const [i, name] of PAYMENTS_APIS.entries()) {
      const limits = service(topology, name).limits;
      const api = stack.launch(
        {
          name,
          command: process.execPath,
          args: [
            ...PAYMENTS_API_V8_FLAGS,
            `--max-old-space-size=${nodeHeapMB(limits)}`,
            projectPath('bin', 'rinha.js'),
            'serve',
            '2025',
            '--socket',
            sockets[i]!,
            '--private-socket',
            privateSockets[i]!,
            '--peer-socket',
            privateSockets[1 - i]!,
            '--role',
            i === 0 ? 'primary' : 'secondary',
            '--default-url',
            processors.default,
            '--fallback-url',
            processors.fallback,
            ...(o.canned ? ['--canned'] : []),
            '--instance-name',
            name,
            ...(redisSocket === undefined ? [] : ['--redis-socket', redisSocket]),
            ...(o.durable && !o.canned ? ['--durable'] : []),
            ...(o.fallbackAfterMs === undefined || o.canned
              ? []
              : ['--fallback-after-ms', String(o.fallbackAfterMs)]),
          ],
          env: { ...process.env, NODE_ENV: 'production' },
        },
        limits,
      );
      await wait(
        name,
        async () =>
          (await httpStatus({ socketPath: privateSockets[i]! }, '/internal/ping')) === 200,
        api,
      );
    }
    const { service: lb, kind } = launchBalancer(stack, {
      choice: o.balancer ?? 'auto',
      port,
      sockets,
      limits: service(topology, 'lb').limits,
      nginx: PAYMENTS_NGINX,
      runtimeDir: tmp,
      log,
    });
    await wait(
      'load balancer',
      async () => (await httpStatus({ port }, '/payments-summary')) === 200,
      lb,
    );
    log(
      `ready: http://127.0.0.1:${port} (payments, ${o.canned ? 'CANNED responses' : `${redisSocket === undefined ? 'memory' : 'redis'} store${o.durable ? ', durable' : ''}`}, balancer ${kind})`,
    );
    return {
      stack,
      port,
      runDir,
      processors,
      ...(redisSocket === undefined ? {} : { redisSocket }),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
