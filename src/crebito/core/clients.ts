// The clients of the contract: ids and limits never change during a run, so the service loads them
// once at start-up and answers 404 for unknown ids without a database round trip.
import assert from 'node:assert/strict';

export interface ClientAccount {
  readonly id: number;
  /** Credit limit in cents: the balance may go down to -limit. */
  readonly limit: bigint;
}

/** Seed data of the contract (balances start at 0). Client 6 must not exist. */
export const SEED_CLIENTS: readonly ClientAccount[] = [
  { id: 1, limit: 100000n },
  { id: 2, limit: 80000n },
  { id: 3, limit: 1000000n },
  { id: 4, limit: 10000000n },
  { id: 5, limit: 500000n },
];

/** Largest client id accepted in a path; longer digit strings are unknown clients. */
export const MAX_CLIENT_ID = 2147483647;

export class ClientDirectory {
  private readonly byId = new Map<number, ClientAccount>();

  constructor(accounts: readonly ClientAccount[]) {
    for (const a of accounts) {
      assert(
        Number.isSafeInteger(a.id) && a.id >= 1 && a.id <= MAX_CLIENT_ID,
        `invalid client id ${a.id}`,
      );
      assert(a.limit >= 0n, `client ${a.id} has a negative limit`);
      this.byId.set(a.id, a);
    }
  }

  /** Resolves the id segment of a path ("1", "42"); anything but plain digits is unknown. */
  lookup(idSegment: string): ClientAccount | undefined {
    if (idSegment.length === 0 || idSegment.length > 10) return undefined;
    for (let i = 0; i < idSegment.length; i++) {
      const c = idSegment.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    return this.byId.get(Number(idSegment));
  }

  get size(): number {
    return this.byId.size;
  }

  get accounts(): ClientAccount[] {
    return [...this.byId.values()];
  }
}
