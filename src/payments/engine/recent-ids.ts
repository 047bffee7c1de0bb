// The correlationIds this instance accepted recently, so that a repeated one is answered 2xx
// and never becomes a second payment. Bounded: past its capacity the oldest are forgotten (a
// duplicate that old would meet the processor's own 422 on the processor that has it).
import assert from 'node:assert/strict';

/** About a whole final's payments for one instance (~45,000 each; a Set entry is ~30 bytes). */
export const RECENT_IDS_CAPACITY = 150_000;

export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(readonly capacity = RECENT_IDS_CAPACITY) {
    assert(capacity > 0, 'capacity must be positive');
  }

  get size(): number {
    return this.ids.size;
  }

  /** True the first time an id is offered (it is remembered), false for a repeat. */
  firstTime(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }

  /** Forgets an id (its payment could not be accepted after all). */
  forget(id: string): void {
    this.ids.delete(id);
  }

  clear(): void {
    this.ids.clear();
  }
}
