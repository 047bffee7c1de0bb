// One Payments API instance: queue + dispatcher + processor clients + health poller + HTTP.
import type { Server } from 'node:http';
import { closeServer, listen, type ListenTarget } from '../http/listen.js';
import { DEFAULT_POLICY, type PolicyConfig, type ProcessorName } from './core/policy.js';
import { Dispatcher } from './engine/dispatcher.js';
import { HealthPoller, type Role } from './engine/health.js';
import { PaymentQueue } from './engine/queue.js';
import { createCannedPaymentsHandler } from './http/canned.js';
import { createPaymentsHandler } from './http/handler.js';
import { Peer } from './http/peer.js';
import { DEFAULT_PAYMENT_TIMEOUT_MS, ProcessorClient } from './processors/client.js';
import { MemoryRecords } from './store/memory.js';
import { RedisRecords } from './store/redis.js';
import type { PaymentRecords } from './store/store.js';

export interface PaymentsInstanceOptions {
  readonly listen: ListenTarget;
  readonly processors: Readonly<Record<ProcessorName, string>>;
  /** The other instance's socket (summary merge, purge, health sharing, fail-over). */
  readonly peerSocket?: string;
  readonly role: Role;
  readonly policy?: PolicyConfig;
  readonly queueCapacity?: number;
  /** Where processed payments are recorded: this instance's memory (default) or a Redis socket. */
  readonly redisSocket?: string;
  readonly log?: (m: string) => void;
}

/** The canned floor: no queue, no processors, fixed answers (see http/canned.ts). */
export async function startCannedPaymentsInstance(target: ListenTarget): Promise<{ server: Server; close(): Promise<void> }> {
  const server = await listen(createCannedPaymentsHandler(), target);
  return { server, close: () => closeServer(server) };
}

export interface RunningPayments {
  readonly server: Server;
  readonly dispatcher: Dispatcher;
  readonly poller: HealthPoller;
  close(): Promise<void>;
}

export async function startPaymentsInstance(o: PaymentsInstanceOptions): Promise<RunningPayments> {
  const log = o.log ?? ((m: string) => console.error(m));
  const policy = o.policy ?? DEFAULT_POLICY;
  const clients = {
    default: new ProcessorClient({ name: 'default', url: o.processors.default, connections: policy.maxInFlight.default, paymentTimeoutMs: DEFAULT_PAYMENT_TIMEOUT_MS }),
    fallback: new ProcessorClient({ name: 'fallback', url: o.processors.fallback, connections: policy.maxInFlight.fallback, paymentTimeoutMs: DEFAULT_PAYMENT_TIMEOUT_MS }),
  };
  const records: PaymentRecords = o.redisSocket === undefined ? new MemoryRecords() : new RedisRecords({ socket: o.redisSocket });
  const dispatcher = new Dispatcher(new PaymentQueue(o.queueCapacity), clients, records, policy, log);
  const peer = o.peerSocket === undefined ? undefined : new Peer(o.peerSocket);
  const poller = new HealthPoller(o.role, clients, (name, h) => dispatcher.setHealth(name, h), peer);
  const server = await listen(createPaymentsHandler({ dispatcher, records, ...(peer ? { peer } : {}), onPeerHealth: (n, h) => poller.heard(n, h), log }), o.listen);
  poller.start();
  return {
    server,
    dispatcher,
    poller,
    async close() {
      poller.stop();
      dispatcher.close();
      await closeServer(server);
      await Promise.all([clients.default.close(), clients.fallback.close(), peer?.close(), records.close()]);
    },
  };
}
