// The bounded in-process queue of accepted payments waiting for a processor. Its capacity is the
// backlog we accept; beyond it POST /payments answers 503 (never a silent drop).
import type { ProcessorName } from '../core/policy.js';

export interface Pending {
  readonly correlationId: string;
  readonly cents: number;
  readonly acceptedAtMs: number;
  /**
   * Set once an attempt's outcome was unknown: the payment may be stored there, so it is retried
   * only on that processor, with the same requestedAt, until a 200 or 422 settles it.
   */
  unknownAt?: ProcessorName;
  requestedAt?: string;
  /** Its correlationId was claimed in the shared store (engine/claims.ts). */
  claimed?: boolean;
  /** A pinned payment is not retried before this time (epoch ms). */
  notBeforeMs?: number;
  /** Its entry in the durable log (--durable only). */
  readonly journalId?: string;
  /**
   * The purge generation it was accepted in: an answer about a payment of an older generation is
   * neither recorded nor retried (POST /purge-payments forgot it).
   */
  readonly generation: number;
}

/** Default backlog: about 2 minutes of the official peak rate per instance. */
export const DEFAULT_QUEUE_CAPACITY = 50_000;

export class PaymentQueue {
  private items: (Pending | undefined)[] = [];
  private head = 0;

  constructor(readonly capacity = DEFAULT_QUEUE_CAPACITY) {}

  get length(): number {
    return this.items.length - this.head;
  }

  /**
   * Appends unless full. `overBy` lets a caller that already owns the payment (read from the
   * durable log after checking `room`) go that far past the capacity instead of losing it.
   */
  push(p: Pending, overBy = 0): boolean {
    if (this.length >= this.capacity + overBy) return false;
    this.items.push(p);
    return true;
  }

  /** Free places left. */
  get room(): number {
    return this.capacity - this.length;
  }

  /** Puts a payment back at the front (a retry keeps its place in line). */
  unshift(p: Pending): void {
    if (this.head > 0) this.items[--this.head] = p;
    else this.items.unshift(p);
  }

  peek(): Pending | undefined {
    return this.items[this.head];
  }

  shift(): Pending | undefined {
    const p = this.items[this.head];
    if (p === undefined) return undefined;
    this.items[this.head++] = undefined;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return p;
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}
