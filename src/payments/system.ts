// Payments (2025) as a system of the project (stack/system.ts): its topology, `rinha up 2025`
// options, `rinha serve 2025` options (each with its environment variable, for the compose
// files) and its deployment files.
import { InvalidArgumentError, Option, type OptionValues } from 'commander';
import { intArg } from '../cli/args.js';
import { RinhaError } from '../errors.js';
import { describeTarget } from '../http/listen.js';
import type { SystemDefinition } from '../stack/system.js';
import { parseFees, PUBLIC_RULES_FEES, type Fees } from './core/fees.js';
import { DEFAULT_POLICY, maxWaitMs } from './core/policy.js';
import { paymentsDeployFiles } from './deploy.js';
import { POLLER_ROLES, type PollerRole } from './engine/health.js';
import { startCannedPaymentsInstance, startPaymentsInstance } from './instance.js';
import { upPayments } from './stack.js';
import { PAYMENTS_STORES, PAYMENTS_TOPOLOGY } from './topology.js';

function feesArg(v: string): Fees {
  const f = parseFees(v);
  if (!f.ok) throw new InvalidArgumentError(f.error);
  return f.value;
}

const feesOption = (prefix: string) =>
  new Option(
    '--fees <default,fallback>',
    `${prefix}the processors' fees, e.g. 0.07,0.10 (the official final's); default ${PUBLIC_RULES_FEES.default},${PUBLIC_RULES_FEES.fallback} (the public rules')`,
  ).argParser(feesArg);

const fallbackAfterOption = (prefix: string) =>
  new Option(
    '--fallback-after-ms <ms>',
    `${prefix}while default is down, fallback takes payments that waited this long (default: from the fees, ${maxWaitMs({ ...DEFAULT_POLICY, fees: { default: 0.05, fallback: 0.15 } })} ms at 0.05/0.15, ${maxWaitMs({ ...DEFAULT_POLICY, fees: { default: 0.07, fallback: 0.1 } })} ms at 0.07/0.10, and no wait once the outage has lasted that long)`,
  ).argParser(intArg('ms', 0, 600_000));

function checkUp(own: OptionValues, store: string): void {
  if ((own.defaultUrl === undefined) !== (own.fallbackUrl === undefined))
    throw new RinhaError(
      'INVALID_OPTION',
      'give both --default-url and --fallback-url, or neither',
    );
  if (own.durable && store === 'memory')
    throw new RinhaError(
      'INVALID_OPTION',
      '--durable keeps accepted payments in Redis: it cannot run with --store memory',
    );
}

export const PAYMENTS_SYSTEM: SystemDefinition = {
  id: '2025',
  title: 'Payments (2025): payment intermediary over two unstable processors',
  topology: PAYMENTS_TOPOLOGY,
  stores: PAYMENTS_STORES,
  upOptions: () => [
    new Option('--default-url <url>', '2025: use this external default processor (no simulators)'),
    new Option(
      '--fallback-url <url>',
      '2025: use this external fallback processor (no simulators)',
    ),
    new Option(
      '--durable',
      '2025: accepted payments go through a Redis stream and survive kill -9 of an instance (implies --store redis)',
    ),
    feesOption('2025: '),
    fallbackAfterOption('2025: '),
  ],
  serveOptions: () => [
    new Option('--default-url <url>', 'the default processor')
      .default('http://127.0.0.1:8001')
      .env('PROCESSOR_DEFAULT_URL'),
    new Option('--fallback-url <url>', 'the fallback processor')
      .default('http://127.0.0.1:8002')
      .env('PROCESSOR_FALLBACK_URL'),
    new Option(
      '--private-socket <path>',
      "this instance's private socket (only the other instance talks to it)",
    ).env('RINHA_PRIVATE_SOCKET'),
    new Option('--peer-socket <path>', "the other instance's private socket").env(
      'RINHA_PEER_SOCKET',
    ),
    new Option(
      '--redis-socket <path>',
      'record payments in Redis at this unix socket (default: in memory)',
    ).env('RINHA_REDIS_SOCKET'),
    new Option(
      '--durable',
      'accepted payments go through a Redis stream and survive kill -9 (needs --redis-socket)',
    ).env('RINHA_DURABLE'),
    new Option(
      '--instance-name <name>',
      'unique among the instances and stable across restarts (default: the host name)',
    ).env('RINHA_INSTANCE_NAME'),
    feesOption('').env('RINHA_FEES'),
    fallbackAfterOption('').env('RINHA_FALLBACK_AFTER_MS'),
    new Option(
      '--role <role>',
      'without Redis: primary polls the health endpoints; secondary takes over if it dies',
    )
      .choices(POLLER_ROLES)
      .default('primary')
      .env('RINHA_ROLE'),
  ],
  up(c, own) {
    const store = own.durable ? 'redis' : c.store;
    checkUp(own, store);
    return upPayments({
      balancer: c.balancer,
      canned: c.canned,
      store: store as 'memory' | 'redis',
      durable: own.durable === true,
      port: c.port,
      limits: c.limits,
      signal: c.signal,
      ...(own.fees === undefined ? {} : { fees: own.fees as Fees }),
      ...(own.fallbackAfterMs === undefined
        ? {}
        : { fallbackAfterMs: Number(own.fallbackAfterMs) }),
      ...(c.runDir === undefined ? {} : { runDir: c.runDir }),
      ...(own.defaultUrl === undefined
        ? {}
        : { defaultUrl: String(own.defaultUrl), fallbackUrl: String(own.fallbackUrl) }),
    });
  },
  async serve(c, own) {
    const privateSocket = own.privateSocket === undefined ? undefined : String(own.privateSocket);
    if (c.canned) {
      const p = await startCannedPaymentsInstance(c.target, privateSocket);
      return {
        description: `payments instance ${process.pid} listening on ${describeTarget(c.target)} (canned responses)`,
        close: () => p.close(),
      };
    }
    const redisSocket = own.redisSocket === undefined ? undefined : String(own.redisSocket);
    const fees = (own.fees as Fees | undefined) ?? PUBLIC_RULES_FEES;
    const p = await startPaymentsInstance({
      listen: c.target,
      processors: { default: String(own.defaultUrl), fallback: String(own.fallbackUrl) },
      role: own.role as PollerRole,
      fees,
      log: c.log,
      ...(privateSocket === undefined ? {} : { privateSocket }),
      ...(own.peerSocket === undefined ? {} : { peerSocket: String(own.peerSocket) }),
      ...(redisSocket === undefined ? {} : { redisSocket }),
      ...(own.durable ? { durable: true } : {}),
      ...(own.instanceName === undefined ? {} : { name: String(own.instanceName) }),
      ...(own.fallbackAfterMs === undefined
        ? {}
        : { policy: { ...DEFAULT_POLICY, fallbackAfterWaitMs: Number(own.fallbackAfterMs) } }),
    });
    const mode = redisSocket === undefined ? String(own.role) : 'poller elected in Redis';
    return {
      description: `payments instance ${process.pid} (${mode}${own.durable ? ', durable' : ''}, fees ${fees.default}/${fees.fallback}) listening on ${describeTarget(c.target)}`,
      close: () => p.close(),
    };
  },
  deployFiles: paymentsDeployFiles,
};
