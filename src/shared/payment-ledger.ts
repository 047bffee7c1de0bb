// A store of payments by correlationId, exact cents, and range summaries that stay fast at
// hundreds of thousands of payments: the simulator's store, and each processor's record in the
// payments backend's memory store. Payments are bucketed by the second of their requestedAt; a
// range summary adds whole buckets and scans only the two boundary buckets.
import assert from 'node:assert/strict';

export interface StoredPayment {
  readonly cents: number;
  /** requestedAt, epoch milliseconds. */
  readonly at: number;
}

export interface Totals {
  readonly count: number;
  readonly cents: number;
}

/** Default cap on stored payments: a 5-minute official run sends well under 300k. */
export const DEFAULT_MAX_PAYMENTS = 1_000_000;
/**
 * Largest amount accepted, in cents (10 million currency units). It keeps every sum an exact
 * integer in a double: DEFAULT_MAX_PAYMENTS × MAX_AMOUNT_CENTS < 2^53.
 */
export const MAX_AMOUNT_CENTS = 1_000_000_000;

interface Bucket {
  count: number;
  cents: number;
  readonly ats: number[];
  readonly amounts: number[];
}

const BUCKET_MS = 1000;

export type AddResult = 'stored' | 'duplicate' | 'full';

export class PaymentLedger {
  private readonly byId = new Map<string, StoredPayment>();
  private readonly buckets = new Map<number, Bucket>();
  /** Bucket keys, ascending. New keys are nearly always the largest, so inserts are cheap. */
  private keys: number[] = [];
  private total: Totals = { count: 0, cents: 0 };

  constructor(readonly maxPayments = DEFAULT_MAX_PAYMENTS) {
    assert(
      maxPayments > 0 && maxPayments * MAX_AMOUNT_CENTS < Number.MAX_SAFE_INTEGER,
      `maxPayments ${maxPayments} out of range`,
    );
  }

  get size(): number {
    return this.byId.size;
  }

  get(correlationId: string): StoredPayment | undefined {
    return this.byId.get(correlationId);
  }

  add(correlationId: string, cents: number, at: number): AddResult {
    if (this.byId.has(correlationId)) return 'duplicate';
    if (this.byId.size >= this.maxPayments) return 'full';
    this.byId.set(correlationId, { cents, at });
    const key = Math.floor(at / BUCKET_MS);
    let b = this.buckets.get(key);
    if (b === undefined) {
      b = { count: 0, cents: 0, ats: [], amounts: [] };
      this.buckets.set(key, b);
      this.insertKey(key);
    }
    b.count++;
    b.cents += cents;
    b.ats.push(at);
    b.amounts.push(cents);
    this.total = { count: this.total.count + 1, cents: this.total.cents + cents };
    return 'stored';
  }

  /** Payments with from <= requestedAt <= to (epoch ms, inclusive); a missing bound is unbounded. */
  summary(fromMs?: number, toMs?: number): Totals {
    if (fromMs === undefined && toMs === undefined) return this.total;
    const from = fromMs ?? -Infinity;
    const to = toMs ?? Infinity;
    if (from > to) return { count: 0, cents: 0 };
    const lo = from === -Infinity ? -Infinity : Math.floor(from / BUCKET_MS);
    const hi = to === Infinity ? Infinity : Math.floor(to / BUCKET_MS);
    let count = 0;
    let cents = 0;
    for (
      let i = lo === -Infinity ? 0 : lowerBound(this.keys, lo);
      i < this.keys.length && this.keys[i]! <= hi;
      i++
    ) {
      const key = this.keys[i]!;
      const b = this.buckets.get(key)!;
      if (key > lo && key < hi) {
        count += b.count;
        cents += b.cents;
        continue;
      }
      for (let j = 0; j < b.ats.length; j++) {
        const at = b.ats[j]!;
        if (at >= from && at <= to) {
          count++;
          cents += b.amounts[j]!;
        }
      }
    }
    return { count, cents };
  }

  purge(): void {
    this.byId.clear();
    this.buckets.clear();
    this.keys = [];
    this.total = { count: 0, cents: 0 };
  }

  private insertKey(key: number): void {
    const last = this.keys[this.keys.length - 1];
    if (last === undefined || key > last) this.keys.push(key);
    else this.keys.splice(lowerBound(this.keys, key), 0, key);
  }
}

/** First index whose value is >= x. */
function lowerBound(a: readonly number[], x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
