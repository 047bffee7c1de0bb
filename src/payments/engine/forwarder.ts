// The owner forwarding door (engine/door.ts) of the memory store: payments whose owner is the
// other instance go to it over the private socket, in batches (one request in flight, what
// arrives meanwhile waits for the next), after their 202. If the peer does not answer, this
// instance keeps them itself (and stops forwarding for a moment): availability before the
// cross-instance dedupe, which the processors' own 422 then backs on each processor.
import type { AcceptOutcome, PaymentDispatcher } from './dispatcher.js';
import { ownerOf, type PaymentDoor } from './door.js';

/** Payments waiting to be forwarded at most; beyond, this instance keeps them. */
export const FORWARD_BUFFER_MAX = 10_000;
/** Payments per forwarded batch at most (a line is about 45 bytes). */
export const FORWARD_BATCH_MAX = 4_000;
/**
 * Forwarded payments wait this long to travel together: one request per batch costs both
 * instances far less than one per payment, and a payment's start 20 ms later costs nothing.
 */
export const FORWARD_EVERY_MS = 20;
/** After a failed forward, payments stay here for this long. */
export const PEER_RETRY_AFTER_MS = 1_000;

export interface ForwardTarget {
  /** Hands over payments as "id:cents" lines; the ones the owner could not take come back. */
  adopt(lines: readonly string[]): Promise<{ readonly full: readonly string[] } | undefined>;
}

export class ForwardingDoor implements PaymentDoor {
  private buffer: string[] = [];
  private sending = false;
  private timer: NodeJS.Timeout | undefined;
  private peerDownUntilMs = 0;
  /** Forwarded, kept because the peer failed, handed back full (tests, logs). */
  readonly counts = { forwarded: 0, keptLocally: 0, refusedByPeer: 0 };

  constructor(
    private readonly dispatcher: PaymentDispatcher,
    private readonly peer: ForwardTarget,
    private readonly self: number,
    private readonly instances: number,
    private readonly log: (m: string) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  accept(correlationId: string, cents: number): AcceptOutcome {
    if (ownerOf(correlationId, this.instances) === this.self)
      return this.dispatcher.accept(correlationId, cents);
    if (this.now() < this.peerDownUntilMs || this.buffer.length >= FORWARD_BUFFER_MAX) {
      this.counts.keptLocally++;
      return this.dispatcher.accept(correlationId, cents);
    }
    // The owner answers for it from here on; this instance's own fullness stands for both.
    if (this.dispatcher.owned >= this.dispatcher.queue.capacity) return 'full';
    this.buffer.push(`${correlationId}:${cents}`);
    this.schedule();
    return 'accepted';
  }

  /** POST /purge-payments: what waits to be forwarded is forgotten with the rest. */
  purge(): void {
    this.buffer = [];
  }

  private schedule(): void {
    if (this.sending || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FORWARD_EVERY_MS);
  }

  private keep(lines: readonly string[]): void {
    for (const line of lines) {
      const sep = line.lastIndexOf(':');
      if (this.dispatcher.accept(line.slice(0, sep), Number(line.slice(sep + 1))) === 'full')
        this.log(`payment ${line.slice(0, sep)} accepted, but neither instance has room: dropped`);
    }
  }

  private async flush(): Promise<void> {
    this.sending = true;
    try {
      if (this.buffer.length > 0) {
        const batch = this.buffer.splice(0, FORWARD_BATCH_MAX);
        const answer = await this.peer.adopt(batch);
        if (answer === undefined) {
          this.counts.keptLocally += batch.length + this.buffer.length;
          this.keep(batch);
          this.keep(this.buffer.splice(0));
          this.peerDownUntilMs = this.now() + PEER_RETRY_AFTER_MS;
          this.log(
            'the other instance did not take forwarded payments; keeping them here for a while',
          );
          return;
        }
        this.counts.forwarded += batch.length - answer.full.length;
        this.counts.refusedByPeer += answer.full.length;
        this.keep(answer.full);
      }
    } finally {
      this.sending = false;
      if (this.buffer.length > 0) this.schedule();
    }
  }
}
