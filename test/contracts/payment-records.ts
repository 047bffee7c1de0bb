// One suite for every PaymentRecords (payments/store/store.ts): the memory store and the Redis
// store must answer the same summaries for the same records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { PaymentRecords } from '../../src/payments/store/store.js';

export interface RecordsFixture {
  readonly records: PaymentRecords;
  /** Whether every instance reads these records (the Redis store) or only this one. */
  readonly shared: boolean;
  close(): Promise<void>;
}

const T0 = Date.UTC(2025, 6, 10, 12, 0, 0);

export function paymentRecordsContract(name: string, fresh: () => Promise<RecordsFixture>): void {
  const withRecords = (
    title: string,
    body: (r: PaymentRecords, shared: boolean) => Promise<void>,
  ) =>
    void test(`${name}: ${title}`, async () => {
      const f = await fresh();
      try {
        await f.records.purge();
        await body(f.records, f.shared);
      } finally {
        await f.close();
      }
    });

  withRecords('says whether it is shared', async (r, shared) => {
    assert.equal(r.shared, shared);
  });

  withRecords('counts and exact cents per processor', async (r) => {
    await r.record('default', randomUUID(), 1990, T0);
    await r.record('default', randomUUID(), 1, T0 + 1);
    await r.record('fallback', randomUUID(), 2005, T0 + 2);
    assert.deepEqual(await r.summary(), {
      default: { count: 2, cents: 1991 },
      fallback: { count: 1, cents: 2005 },
    });
  });

  withRecords(
    'ranges are inclusive on requestedAt, and a missing bound is unbounded on its side',
    async (r) => {
      for (let i = 0; i < 10; i++) await r.record('default', randomUUID(), 100, T0 + i * 1_000);
      assert.equal((await r.summary(T0 + 2_000, T0 + 5_000)).default.count, 4);
      assert.equal((await r.summary(T0 + 2_001, T0 + 4_999)).default.count, 2);
      assert.equal((await r.summary(T0 + 8_000)).default.count, 2, 'from only');
      assert.equal((await r.summary(undefined, T0 + 1_000)).default.count, 2, 'to only');
      assert.equal((await r.summary(T0 + 5_000, T0 + 2_000)).default.count, 0, 'an empty range');
      assert.equal((await r.summary()).default.count, 10);
    },
  );

  withRecords('a payment recorded twice is counted once', async (r) => {
    const id = randomUUID();
    await r.record('fallback', id, 500, T0);
    await r.record('fallback', id, 500, T0);
    assert.deepEqual((await r.summary()).fallback, { count: 1, cents: 500 });
  });

  withRecords('purge forgets everything', async (r) => {
    await r.record('default', randomUUID(), 100, T0);
    await r.purge();
    assert.deepEqual(await r.summary(), {
      default: { count: 0, cents: 0 },
      fallback: { count: 0, cents: 0 },
    });
  });

  withRecords('many records over many seconds: every range sum is exact', async (r) => {
    const ats: number[] = [];
    for (let i = 0; i < 2_000; i++) {
      const at = T0 + Math.floor(i * 37.3);
      ats.push(at);
      await r.record(i % 3 === 0 ? 'fallback' : 'default', randomUUID(), 1990, at);
    }
    for (const [from, to] of [
      [T0 + 5_000, T0 + 20_000],
      [T0 + 123, T0 + 124],
      [T0, T0 + 74_600],
    ] as const) {
      const expected = ats.filter((a, i) => a >= from && a <= to && i % 3 !== 0).length;
      assert.equal(
        (await r.summary(from, to)).default.count,
        expected,
        `[${from - T0}, ${to - T0}]`,
      );
    }
  });
}
