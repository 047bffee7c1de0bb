// The health poller, elected among the instances without any shared store: the primary polls
// both processors' health endpoint once per window (5 s, the processors' limit for all of us
// together) and shares each reading with the peer; the secondary polls only when the primary has
// not answered for FAILOVER_AFTER_MS. Either polls only if no reading — its own or the peer's —
// is younger than the window, so the limit holds across fail-over and restarts.
import { PROCESSORS, type Health, type ProcessorName } from '../core/policy.js';
import type { ProcessorClient } from '../processors/client.js';
import type { Peer } from '../http/peer.js';

/** One call per processor per window; a little over 5 s so clock jitter never makes it 2. */
export const HEALTH_PERIOD_MS = 5_100;
/** The secondary takes over after the primary has been silent this long (plus up to one tick). */
export const FAILOVER_AFTER_MS = 3_000;
const TICK_MS = 250;

export type Role = 'primary' | 'secondary';

export class HealthPoller {
  private timer: NodeJS.Timeout | undefined;
  private lastReadingAt = 0;
  private peerLastSeen = 0;
  private polling = false;
  private checkingPeer = false;
  /** Calls made to the health endpoints by this instance (for tests and logs). */
  calls = 0;

  constructor(
    private readonly role: Role,
    private readonly clients: Readonly<Record<ProcessorName, ProcessorClient>>,
    private readonly onHealth: (name: ProcessorName, h: Health) => void,
    private readonly peer: Peer | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.peerLastSeen = this.now();
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** A reading the peer made and shared. */
  heard(name: ProcessorName, h: Health): void {
    this.lastReadingAt = Math.max(this.lastReadingAt, h.atMs);
    this.peerLastSeen = this.now();
    this.onHealth(name, h);
  }

  /** Whether this instance polls now. */
  isPoller(): boolean {
    if (this.role === 'primary' || this.peer === undefined) return true;
    return this.now() - this.peerLastSeen >= FAILOVER_AFTER_MS;
  }

  private async checkPeer(): Promise<void> {
    if (this.peer === undefined || this.checkingPeer) return;
    this.checkingPeer = true;
    try {
      if (await this.peer.alive()) this.peerLastSeen = this.now();
    } finally {
      this.checkingPeer = false;
    }
  }

  private async tick(): Promise<void> {
    if (this.role === 'secondary') void this.checkPeer();
    if (this.polling || !this.isPoller() || this.now() - this.lastReadingAt < HEALTH_PERIOD_MS) return;
    this.polling = true;
    this.lastReadingAt = this.now();
    try {
      await Promise.all(
        PROCESSORS.map(async (name) => {
          this.calls++;
          const h = await this.clients[name].health(this.now);
          if (h === undefined) return;
          this.onHealth(name, h);
          await this.peer?.shareHealth(name, h);
        }),
      );
    } finally {
      this.polling = false;
    }
  }
}
