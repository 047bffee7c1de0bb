// The health poller: ONE instance polls both processors' health endpoint once per window (5 s,
// the processors' limit for all instances together) and the others learn its readings. Who polls
// is decided by a coordinator:
// - PeerCoordinator (no shared store, two instances): the primary polls and pushes each reading to
//   the peer; the secondary polls only when the primary has not answered for FAILOVER_AFTER_MS;
// - RedisElection (store/redis-election.ts, any number of instances): a lock with expiry elects
//   the poller, a window key makes a second call within 5 s impossible even across fail-over,
//   and readings are published in Redis for the others to pull.
// Either way an instance polls only if no reading it knows of is younger than the window.
import assert from 'node:assert/strict';
import { PROCESSORS, type Health, type ProcessorName } from '../core/policy.js';
import type { ProcessorClient } from '../processors/client.js';
import type { Peer } from '../http/peer.js';

/** One call per processor per window; a little over 5 s so clock jitter never makes it 2. */
export const HEALTH_PERIOD_MS = 5_100;
/** The secondary takes over after the primary has been silent this long (plus up to one tick). */
export const FAILOVER_AFTER_MS = 3_000;
export const HEALTH_TICK_MS = 250;

/**
 * The timing the poller and the policy rely on: a secondary takes over before a reading is
 * overdue (failover < period), and a reading stays fresh until the next one arrives, or the
 * policy would run on outcomes alone between two polls (period < freshness).
 */
export function assertHealthTiming(failoverMs: number, periodMs: number, freshMs: number): void {
  assert(
    failoverMs + HEALTH_TICK_MS < periodMs,
    `fail-over after ${failoverMs} ms must come before the next ${periodMs} ms poll`,
  );
  assert(
    periodMs < freshMs,
    `a reading fresh ${freshMs} ms must outlive the ${periodMs} ms poll period`,
  );
}

export type PollerRole = 'primary' | 'secondary';
export const POLLER_ROLES: readonly PollerRole[] = ['primary', 'secondary'];

export interface HealthCoordinator {
  /** Called every tick: whether this instance is the poller now (may renew a lock). */
  isPoller(now: number): Promise<boolean>;
  /** Reserves the window for one poll; false when someone polled less than a window ago. */
  claimWindow(): Promise<boolean>;
  /** Makes a reading known to the other instances. */
  share(name: ProcessorName, h: Health): Promise<void>;
  /** Readings the others made, for coordinators that pull (the peer pushes instead). */
  pull(): Promise<readonly (readonly [ProcessorName, Health])[]>;
  /** Gives up the poller's role (graceful stop), so another takes over at once. */
  resign(): Promise<void>;
}

/** Two instances without a shared store: fixed primary, peer liveness over the unix socket. */
export class PeerCoordinator implements HealthCoordinator {
  private peerLastSeen: number;
  private checkingPeer = false;

  constructor(
    private readonly role: PollerRole,
    private readonly peer: Peer | undefined,
    now: number,
  ) {
    this.peerLastSeen = now;
  }

  /** The peer shared a reading: it is alive. */
  heardFromPeer(now: number): void {
    this.peerLastSeen = now;
  }

  async isPoller(now: number): Promise<boolean> {
    if (this.role === 'primary' || this.peer === undefined) return true;
    void this.checkPeer();
    return now - this.peerLastSeen >= FAILOVER_AFTER_MS;
  }

  private async checkPeer(): Promise<void> {
    if (this.peer === undefined || this.checkingPeer) return;
    this.checkingPeer = true;
    try {
      if (await this.peer.alive()) this.peerLastSeen = Date.now();
    } finally {
      this.checkingPeer = false;
    }
  }

  async claimWindow(): Promise<boolean> {
    return true; // the poller's own clock (lastReadingAt) guards the window
  }

  async share(name: ProcessorName, h: Health): Promise<void> {
    await this.peer?.shareHealth(name, h);
  }

  async pull(): Promise<readonly (readonly [ProcessorName, Health])[]> {
    return [];
  }

  async resign(): Promise<void> {}
}

export class HealthPoller {
  private timer: NodeJS.Timeout | undefined;
  private lastReadingAt = 0;
  private readonly seen: Record<ProcessorName, number> = { default: 0, fallback: 0 };
  private busy = false;
  private poller = false;
  /** Calls made to the health endpoints by this instance (for tests and logs). */
  calls = 0;

  constructor(
    private readonly coordinator: HealthCoordinator,
    private readonly clients: Readonly<Record<ProcessorName, ProcessorClient>>,
    private readonly onHealth: (name: ProcessorName, h: Health) => void,
    private readonly log: (m: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.tick(), HEALTH_TICK_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.poller) await this.coordinator.resign().catch(() => {});
  }

  /** A reading another instance made (pushed by the peer, or pulled). */
  heard(name: ProcessorName, h: Health): void {
    this.lastReadingAt = Math.max(this.lastReadingAt, h.atMs);
    this.seen[name] = Math.max(this.seen[name], h.atMs);
    this.onHealth(name, h);
  }

  private async tick(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const poller = await this.coordinator.isPoller(this.now());
      if (poller !== this.poller)
        this.log(
          poller
            ? 'this instance now polls the health endpoints'
            : 'another instance polls the health endpoints',
        );
      this.poller = poller;
      if (!poller) {
        for (const [name, h] of await this.coordinator.pull())
          if (h.atMs > this.seen[name]) this.heard(name, h);
        return;
      }
      if (
        this.now() - this.lastReadingAt < HEALTH_PERIOD_MS ||
        !(await this.coordinator.claimWindow())
      )
        return;
      this.lastReadingAt = this.now();
      await Promise.all(
        PROCESSORS.map(async (name) => {
          this.calls++;
          const h = await this.clients[name].health(this.now);
          if (h === undefined) return;
          this.onHealth(name, h);
          await this.coordinator.share(name, h);
        }),
      );
    } catch {
      // The store is unreachable: nobody can be sure who polls, so this instance waits a tick.
    } finally {
      this.busy = false;
    }
  }
}
