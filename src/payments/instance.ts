// One Payments API instance: queue + dispatcher + processor clients + health poller + HTTP,
// and with Redis: shared records, the elected health poller and (--durable) the durable log.
import { RinhaError } from '../errors.js';
import type { Server } from 'node:http';
import os from 'node:os';
import type { Redis } from 'ioredis';
import { closeServer, listen, PRIVATE_SOCKET_MODE, type ListenTarget } from '../http/listen.js';
import { feeFraction, PUBLIC_RULES_FEES, type Fees } from './core/fees.js';
import { DEFAULT_POLICY, type PolicyConfig, type ProcessorName } from './core/policy.js';
import { assertAdoptSlack, PaymentDispatcher } from './engine/dispatcher.js';
import {
  assertHealthTiming,
  FAILOVER_AFTER_MS,
  HEALTH_PERIOD_MS,
  HealthPoller,
  PeerCoordinator,
  type HealthCoordinator,
  type PollerRole,
} from './engine/health.js';
import { PaymentQueue } from './engine/queue.js';
import { dispatcherDoor } from './engine/door.js';
import { ForwardingDoor } from './engine/forwarder.js';
import { createCannedPrivateRoute, createCannedPublicRoute } from './http/canned.js';
import { Peer } from './http/peer.js';
import { createPrivateRoute } from './http/private.js';
import { createPublicRoute } from './http/public.js';
import { paymentsWarmRequests, PAYMENTS_WARMUP_ROUNDS, rehearsalDoor } from './http/warmup.js';
import { describeWarmUp, warmUp } from '../http/warmup.js';
import { DEFAULT_PAYMENT_TIMEOUT_MS, ProcessorClient } from './processors/client.js';
import { DurableLog, READ_BATCH } from './store/durable-log.js';
import { MemoryRecords } from './store/memory.js';
import { RedisClaims, RedisRecords } from './store/redis.js';
import { openRedis, waitForRedis } from './store/redis-client.js';
import { RedisElection } from './store/redis-election.js';
import type { PaymentRecords } from './store/store.js';

// Relations between constants of different modules, checked once at load.
assertAdoptSlack(READ_BATCH);
assertHealthTiming(FAILOVER_AFTER_MS, HEALTH_PERIOD_MS, DEFAULT_POLICY.healthFreshMs);

export interface PaymentsInstanceOptions {
  /** The public listener (the balancer's upstream). */
  readonly listen: ListenTarget;
  /** This instance's private socket: only the other instance talks to it (http/private.ts). */
  readonly privateSocket?: string;
  readonly processors: Readonly<Record<ProcessorName, string>>;
  /** The other instance's private socket (summary merge, purge, health sharing, fail-over). */
  readonly peerSocket?: string;
  /** Without Redis: whether this instance polls the health endpoints (primary) or stands by. */
  readonly role: PollerRole;
  /** The processors' fees (the policy weighs them). */
  readonly fees?: Fees;
  readonly policy?: PolicyConfig;
  readonly queueCapacity?: number;
  /** Where processed payments are recorded: this instance's memory (default) or a Redis socket. */
  readonly redisSocket?: string;
  /** Accepted payments go through a Redis stream and survive kill -9 (needs redisSocket). */
  readonly durable?: boolean;
  /** Unique among the instances, stable across a restart (lock owner, durable consumer). */
  readonly name?: string;
  readonly log?: (m: string) => void;
}

/** Requests at once in the warm-up: k6's users arrive in bursts, each a request of its own. */
const WARMUP_CONCURRENCY = 8;

/** The canned floor: no queue, no processors, fixed answers (see http/canned.ts). */
export async function startCannedPaymentsInstance(
  target: ListenTarget,
  privateSocket?: string,
): Promise<{ server: Server; close(): Promise<void> }> {
  const canned = createCannedPublicRoute();
  // The floor is warmed the same way, so the comparison is fair (it answers 202/200 to all).
  const requests = paymentsWarmRequests().map(({ expect: _, ...r }) => r);
  await warmUp(canned, requests, {
    rounds: PAYMENTS_WARMUP_ROUNDS,
    concurrency: WARMUP_CONCURRENCY,
  });
  const server = await listen(canned, target);
  const inner =
    privateSocket === undefined
      ? undefined
      : await listen(createCannedPrivateRoute(), {
          socket: privateSocket,
          mode: PRIVATE_SOCKET_MODE,
        });
  return {
    server,
    close: async () => {
      await closeServer(server);
      if (inner) await closeServer(inner);
    },
  };
}

export interface RunningPayments {
  readonly server: Server;
  readonly dispatcher: PaymentDispatcher;
  readonly poller: HealthPoller;
  readonly durable?: DurableLog;
  close(): Promise<void>;
}

export async function startPaymentsInstance(o: PaymentsInstanceOptions): Promise<RunningPayments> {
  const log = o.log ?? ((m: string) => console.error(m));
  const fees = o.fees ?? PUBLIC_RULES_FEES;
  const policy: PolicyConfig = {
    ...(o.policy ?? DEFAULT_POLICY),
    fees: { default: feeFraction(fees, 'default'), fallback: feeFraction(fees, 'fallback') },
  };
  assertHealthTiming(FAILOVER_AFTER_MS, HEALTH_PERIOD_MS, policy.healthFreshMs);
  const name = o.name ?? `${os.hostname()}-${process.pid}`;
  if (o.durable && o.redisSocket === undefined)
    throw new RinhaError('INVALID_OPTION', '--durable needs Redis (--redis-socket)');
  const clients = {
    default: new ProcessorClient({
      name: 'default',
      url: o.processors.default,
      connections: policy.maxInFlight.default,
      paymentTimeoutMs: DEFAULT_PAYMENT_TIMEOUT_MS,
    }),
    fallback: new ProcessorClient({
      name: 'fallback',
      url: o.processors.fallback,
      connections: policy.maxInFlight.fallback,
      paymentTimeoutMs: DEFAULT_PAYMENT_TIMEOUT_MS,
    }),
  };
  const redis: Redis | undefined =
    o.redisSocket === undefined ? undefined : openRedis({ socket: o.redisSocket });
  if (redis !== undefined) await waitForRedis(redis, o.redisSocket!);
  const records: PaymentRecords =
    redis === undefined ? new MemoryRecords() : new RedisRecords(redis);
  const queue = new PaymentQueue(o.queueCapacity);
  // Reads only while a whole batch fits, so adopt() never goes past its slack.
  const durable =
    o.durable && redis !== undefined
      ? new DurableLog({ redis, consumer: name, room: () => queue.room - READ_BATCH, log })
      : undefined;
  // With Redis (and not --durable, whose door dedupes), ids are claimed there before a first send.
  const claims = redis !== undefined && durable === undefined ? new RedisClaims(redis) : undefined;
  const dispatcher = new PaymentDispatcher(
    queue,
    clients,
    records,
    policy,
    log,
    Date.now,
    durable,
    undefined,
    claims,
  );
  const peer = o.peerSocket === undefined ? undefined : new Peer(o.peerSocket);
  const peerCoordinator =
    redis === undefined ? new PeerCoordinator(o.role, peer, Date.now()) : undefined;
  const coordinator: HealthCoordinator = peerCoordinator ?? new RedisElection(redis!, name);
  const poller = new HealthPoller(coordinator, clients, (n, h) => dispatcher.setHealth(n, h), log);
  // Memory store, two instances: each correlationId has one owner (engine/door.ts).
  const door =
    redis === undefined && peer !== undefined
      ? new ForwardingDoor(dispatcher, peer, o.role === 'primary' ? 0 : 1, 2, log)
      : dispatcherDoor(dispatcher);
  // Alive before warm: a restarted instance keeps its pending payments through the warm-up.
  await durable?.announce();
  // Ready only when warm: neither socket exists before the warm-up (payments/http/warmup.ts).
  // Its payments go to a door that keeps nothing; it has no peer (it may not be up yet).
  const rehearsal = rehearsalDoor();
  const warm = await warmUp(
    createPublicRoute({ dispatcher, door: rehearsal, records, log }),
    paymentsWarmRequests(),
    { rounds: PAYMENTS_WARMUP_ROUNDS, concurrency: WARMUP_CONCURRENCY },
  );
  log(describeWarmUp(warm, `${rehearsal.seen()} rehearsed payments kept nowhere`));
  // The private socket first: the peer may ask for our summary as soon as we are public.
  const inner =
    o.privateSocket === undefined
      ? undefined
      : await listen(
          createPrivateRoute({
            dispatcher,
            door,
            records,
            onPeerHealth: (n, h) => {
              peerCoordinator?.heardFromPeer(Date.now());
              poller.heard(n, h);
            },
            log,
          }),
          { socket: o.privateSocket, mode: PRIVATE_SOCKET_MODE },
          { log },
        );
  const server = await listen(
    createPublicRoute({
      dispatcher,
      door,
      records,
      ...(durable ? { durable } : {}),
      ...(peer ? { peer } : {}),
      log,
    }),
    o.listen,
    { log },
  );
  await durable?.start((p) => dispatcher.adopt(p));
  poller.start();
  return {
    server,
    dispatcher,
    poller,
    ...(durable ? { durable } : {}),
    async close() {
      await poller.stop();
      dispatcher.close();
      await closeServer(server);
      if (inner !== undefined) await closeServer(inner);
      await durable?.close();
      await Promise.all([
        clients.default.close(),
        clients.fallback.close(),
        peer?.close(),
        records.close(),
      ]);
      redis?.disconnect();
    },
  };
}
