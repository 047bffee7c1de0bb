// The payments in flight at one processor, by send time: how many, and since when the oldest
// has been out (the policy reads a processor's slowdown there before any slow answer returns).
import assert from 'node:assert/strict';

export class InFlight {
  private readonly sentAt = new Map<number, number>();
  private next = 0;

  constructor(readonly capacity: number) {}

  get count(): number {
    return this.sentAt.size;
  }

  /** Send time of the oldest payment still out (0 when none). */
  get oldestAtMs(): number {
    for (const t of this.sentAt.values()) return t;
    return 0;
  }

  /** A payment leaves now; returns its ticket for done(). */
  start(nowMs: number): number {
    // The dispatcher checks the allowance before it sends: more would be a bug.
    assert(this.sentAt.size < this.capacity, `more than ${this.capacity} in flight`);
    const ticket = this.next++;
    this.sentAt.set(ticket, nowMs);
    return ticket;
  }

  done(ticket: number): void {
    assert(this.sentAt.delete(ticket), `ticket ${ticket} was not in flight`);
  }
}
