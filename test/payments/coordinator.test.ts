// The HealthCoordinator contract over the peer sockets (two instances, no shared store).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeServer, listen, PRIVATE_SOCKET_MODE } from '../../src/http/listen.js';
import type { Health } from '../../src/payments/core/policy.js';
import { PaymentDispatcher } from '../../src/payments/engine/dispatcher.js';
import {
  FAILOVER_AFTER_MS,
  HEALTH_TICK_MS,
  PeerCoordinator,
} from '../../src/payments/engine/health.js';
import { PaymentQueue } from '../../src/payments/engine/queue.js';
import { createPrivateRoute } from '../../src/payments/http/private.js';
import { Peer } from '../../src/payments/http/peer.js';
import { ProcessorClient } from '../../src/payments/processors/client.js';
import { MemoryRecords } from '../../src/payments/store/memory.js';
import { healthCoordinatorContract } from '../contracts/health-coordinator.js';

const nowhere = (name: 'default' | 'fallback') =>
  new ProcessorClient({ name, url: 'http://127.0.0.1:9', connections: 1, paymentTimeoutMs: 100 });

healthCoordinatorContract(
  'peer sockets',
  async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rinha-coord-'));
    const socket = { a: path.join(dir, 'a.sock'), b: path.join(dir, 'b.sock') };
    const heard: Health[] = [];
    const coordinators: { a?: PeerCoordinator; b?: PeerCoordinator } = {};
    const serve = (me: 'a' | 'b') => {
      const d = new PaymentDispatcher(
        new PaymentQueue(),
        { default: nowhere('default'), fallback: nowhere('fallback') },
        new MemoryRecords(),
      );
      return listen(
        createPrivateRoute({
          dispatcher: d,
          records: new MemoryRecords(),
          onPeerHealth: (_n, h) => {
            coordinators[me]?.heardFromPeer(Date.now());
            if (me === 'b') heard.push(h);
          },
        }),
        { socket: socket[me], mode: PRIVATE_SOCKET_MODE },
      );
    };
    const servers = { a: await serve('a'), b: await serve('b') };
    const peers = { ofA: new Peer(socket.b), ofB: new Peer(socket.a) };
    coordinators.a = new PeerCoordinator('primary', peers.ofA, Date.now());
    coordinators.b = new PeerCoordinator('secondary', peers.ofB, Date.now());
    let aDead = false;
    return {
      a: coordinators.a,
      b: coordinators.b,
      heardByB: async () => heard,
      async killA() {
        aDead = true;
        await closeServer(servers.a);
      },
      async close() {
        await peers.ofA.close();
        await peers.ofB.close();
        if (!aDead) await closeServer(servers.a);
        await closeServer(servers.b);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  FAILOVER_AFTER_MS + 4 * HEALTH_TICK_MS,
);
