// `rinha up 2025`: the processors (the two simulators on 8001/8002, or external ones given by
// URL), two API instances on unix sockets that know each other's private socket, Redis when the
// store needs it, and the load balancer on 9999. The run's skeleton (folders, ports, readiness,
// users, stop) is stack/run.ts.
import path from 'node:path';
import { startBalancer, type BalancerChoice } from '../stack/load-balancer.js';
import { rinhaProcess } from '../stack/node.js';
import { httpStatus } from '../stack/probe.js';
import { sendWarmRequests } from '../http/warmup.js';
import { paymentsReadOnlyWarmRequests } from './http/warmup.js';
import { startRedis } from '../stack/redis.js';
import { buildStack, callerRunOptions, type Run } from '../stack/run.js';
import type { Stack } from '../stack/stack.js';
import { service } from '../stack/topology.js';
import { PUBLIC_RULES_FEES, type Fees } from './core/fees.js';
import type { ProcessorName } from './core/policy.js';
import {
  PAYMENTS_API_V8_FLAGS,
  PAYMENTS_APIS,
  PAYMENTS_NGINX,
  paymentsTopology,
  SIMULATOR_LIMITS,
  SIMULATORS,
  type PaymentsStoreKind,
} from './topology.js';

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
  /** The processors' fees: the simulators charge them, the APIs' policy is told them. */
  readonly fees?: Fees;
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
  readonly processors: Readonly<Record<ProcessorName, string>>;
  readonly fees: Fees;
  /** The Redis socket, when the stack runs one. */
  readonly redisSocket?: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 40_000;
/** Rounds of read-only requests through the balancer once it is up (as Crébito's stack). */
const BALANCER_WARMUP_ROUNDS = 5;
/** A correlationId no one sends: the simulator answers 404 once it is up. */
const SIMULATOR_PROBE = '/payments/00000000-0000-4000-8000-000000000000';

async function startSimulators(
  run: Run,
  ports: readonly [number, number],
  fees: Fees,
): Promise<Record<ProcessorName, string>> {
  const urls: Partial<Record<ProcessorName, string>> = {};
  for (const [i, sim] of SIMULATORS.entries()) {
    const port = ports[i]!;
    const args = ['processor', '--port', String(port), '--fee', fees[sim.processor]];
    const svc = run.launch(
      { name: sim.name, ...rinhaProcess(SIMULATOR_LIMITS, args), runAs: 'app' },
      SIMULATOR_LIMITS,
    );
    await run.ready(
      sim.name,
      async () => (await httpStatus({ port }, SIMULATOR_PROBE)) === 404,
      svc,
    );
    urls[sim.processor] = `http://127.0.0.1:${port}`;
  }
  return urls as Record<ProcessorName, string>;
}

export async function upPayments(o: PaymentsUpOptions): Promise<PaymentsStack> {
  const topology = paymentsTopology(
    o.store === 'redis' || o.durable === true ? 'redis' : 'memory',
    o.durable === true,
  );
  const port = o.port ?? topology.port;
  const fees = o.fees ?? PUBLIC_RULES_FEES;
  const external = o.defaultUrl !== undefined && o.fallbackUrl !== undefined;
  const simPorts = o.simulatorPorts ?? [SIMULATORS[0].port, SIMULATORS[1].port];
  return buildStack(
    {
      label: '2025',
      readyTimeoutMs: READY_TIMEOUT_MS,
      ports: [
        { port, what: 'load balancer' },
        ...(external ? [] : simPorts.map((p, i) => ({ port: p, what: SIMULATORS[i]!.name }))),
      ],
      ...callerRunOptions(o),
    },
    async (run) => {
      let processors: Record<ProcessorName, string>;
      if (external) {
        processors = { default: o.defaultUrl!, fallback: o.fallbackUrl! };
        run.log(
          `external processors: default ${processors.default}, fallback ${processors.fallback}`,
        );
      } else processors = await startSimulators(run, simPorts, fees);
      const useRedis = (o.store === 'redis' || o.durable === true) && !o.canned;
      const redisSocket = useRedis
        ? await startRedis(run, service(topology, 'redis').limits)
        : undefined;
      const sockets = PAYMENTS_APIS.map((name) => path.join(run.publicDir, `${name}.sock`));
      const privateSockets = PAYMENTS_APIS.map((name) => path.join(run.privateDir, `${name}.sock`));
      for (const [i, name] of PAYMENTS_APIS.entries()) {
        const limits = service(topology, name).limits;
        const args = [
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
          '--instance-name',
          name,
          ...(o.canned ? ['--canned'] : ['--fees', `${fees.default},${fees.fallback}`]),
          ...(redisSocket === undefined ? [] : ['--redis-socket', redisSocket]),
          ...(o.durable && !o.canned ? ['--durable'] : []),
          ...(o.fallbackAfterMs === undefined || o.canned
            ? []
            : ['--fallback-after-ms', String(o.fallbackAfterMs)]),
        ];
        const api = run.launch(
          {
            name,
            ...rinhaProcess(limits, args, PAYMENTS_API_V8_FLAGS),
            env: { ...process.env, NODE_ENV: 'production' },
            runAs: 'app',
          },
          limits,
        );
        await run.ready(
          name,
          async () =>
            (await httpStatus({ socketPath: privateSockets[i]! }, '/internal/ping')) === 200,
          api,
        );
      }
      const { kind } = await startBalancer(run, {
        choice: o.balancer ?? 'auto',
        port,
        sockets,
        limits: service(topology, 'lb').limits,
        nginx: PAYMENTS_NGINX,
        readyPath: '/payments-summary',
      });
      // nginx's upstream keep-alive connections, and each instance's summary merge over the
      // private sockets, before the first real request; nothing here changes a record.
      await sendWarmRequests(
        { origin: `http://127.0.0.1:${port}` },
        paymentsReadOnlyWarmRequests().map(({ expect, ...r }) => (o.canned ? r : { ...r, expect })),
        { rounds: BALANCER_WARMUP_ROUNDS, concurrency: PAYMENTS_NGINX.upstreamKeepalive / 4 },
      );
      const what = o.canned
        ? 'CANNED responses'
        : `${redisSocket === undefined ? 'memory' : 'redis'} store${o.durable ? ', durable' : ''}`;
      run.publish('2025', port, `${what}, fees ${fees.default}/${fees.fallback}, balancer ${kind}`);
      run.log(
        `ready: http://127.0.0.1:${port} (payments, ${what}, fees ${fees.default}/${fees.fallback}, balancer ${kind})`,
      );
      return {
        stack: run.stack,
        port,
        runDir: run.runDir,
        processors,
        fees,
        ...(redisSocket === undefined ? {} : { redisSocket }),
        stop: () => run.stop(),
      };
    },
  );
}
