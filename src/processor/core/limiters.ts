// The two limiters of the official processor, reproduced:
// - ConcurrencyLimiter: at most `maxActive` requests in progress and `maxQueued` waiting
//   (oldest first); beyond that the caller is refused (429).
// - FixedWindowLimiter: ASP.NET's FixedWindowRateLimiter with AutoReplenishment: `permits`
//   per window, windows counted from the limiter's creation; up to `maxQueued` callers wait
//   (oldest first) and each new window serves as many of them as it has permits.
import assert from 'node:assert/strict';

export const PROCESSOR_MAX_ACTIVE = 800;
export const PROCESSOR_MAX_QUEUED = 500;

/** A FIFO of callbacks with an explicit capacity; O(1) push and shift. */
class BoundedQueue {
  private items: (() => void)[] = [];
  private head = 0;
  constructor(readonly capacity: number) {}
  get length(): number {
    return this.items.length - this.head;
  }
  push(f: () => void): boolean {
    if (this.length >= this.capacity) return false;
    this.items.push(f);
    return true;
  }
  shift(): (() => void) | undefined {
    if (this.head >= this.items.length) return undefined;
    const f = this.items[this.head];
    this.items[this.head++] = undefined as unknown as () => void;
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return f;
  }
}

export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: BoundedQueue;

  constructor(
    readonly maxActive = PROCESSOR_MAX_ACTIVE,
    maxQueued = PROCESSOR_MAX_QUEUED,
  ) {
    this.waiting = new BoundedQueue(maxQueued);
  }

  get inProgress(): number {
    return this.active;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Runs `start` now or when a slot frees; false when refused. The caller must release(). */
  admit(start: () => void): boolean {
    if (this.active < this.maxActive) {
      this.active++;
      start();
      return true;
    }
    return this.waiting.push(start);
  }

  release(): void {
    const next = this.waiting.shift();
    if (next === undefined) this.active--;
    else next(); // the slot passes straight to the oldest waiter
  }
}

export class FixedWindowLimiter {
  private permits: number;
  private readonly waiting: BoundedQueue;
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly windowMs: number,
    readonly permitsPerWindow = 1,
    maxQueued = 2,
  ) {
    assert(windowMs > 0, 'window must be positive');
    this.permits = permitsPerWindow;
    this.waiting = new BoundedQueue(maxQueued);
    this.timer = setInterval(() => this.replenish(), windowMs);
    this.timer.unref();
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** 'now': go ahead; 'queued': `onPermit` runs at a later window; 'rejected': 429. */
  request(onPermit: () => void): 'now' | 'queued' | 'rejected' {
    if (this.permits > 0 && this.waiting.length === 0) {
      this.permits--;
      return 'now';
    }
    return this.waiting.push(onPermit) ? 'queued' : 'rejected';
  }

  private replenish(): void {
    this.permits = this.permitsPerWindow;
    while (this.permits > 0) {
      const next = this.waiting.shift();
      if (next === undefined) break;
      this.permits--;
      next();
    }
  }

  close(): void {
    clearInterval(this.timer);
  }
}
