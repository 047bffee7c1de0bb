// One suite for every LedgerStore (stores/store.ts): SQLite and PostgreSQL must behave the same
// on the same calls. Each test gets a fresh database with the seed clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SEED_CLIENTS, type ClientAccount } from '../../src/crebito/core/clients.js';
import { INT64_MAX } from '../../src/crebito/core/ledger.js';
import type { LedgerStore } from '../../src/crebito/store/store.js';

export interface LedgerFixture {
  /** Two stores on the same database, as two API instances would hold. */
  readonly stores: readonly [LedgerStore, LedgerStore];
  close(): Promise<void>;
}

const c1 = SEED_CLIENTS[0]!;

export function ledgerStoreContract(name: string, fresh: () => Promise<LedgerFixture>): void {
  const withStores = (title: string, body: (a: LedgerStore, b: LedgerStore) => Promise<void>) =>
    void test(`${name}: ${title}`, async () => {
      const f = await fresh();
      try {
        await body(f.stores[0], f.stores[1]);
      } finally {
        await f.close();
      }
    });

  withStores('the seed clients and their limits, and no client 6', async (a) => {
    const clients = await a.clients();
    assert.deepEqual(
      clients.map((c) => [c.id, c.limit]),
      SEED_CLIENTS.map((c) => [c.id, c.limit]),
    );
  });

  withStores(
    'a credit and a debit: exact balances, newest first in the statement',
    async (a, b) => {
      assert.deepEqual(await a.transact(c1, { valor: 1000, tipo: 'c', descricao: 'um' }), {
        applied: true,
        balance: 1000n,
      });
      assert.deepEqual(await b.transact(c1, { valor: 300, tipo: 'd', descricao: 'dois' }), {
        applied: true,
        balance: 700n,
      });
      const s = await b.statement(c1);
      assert.equal(s.balance, 700n);
      assert.deepEqual(
        s.entries.map((e) => [Number(e.valor), e.tipo, e.descricao]),
        [
          [300, 'd', 'dois'],
          [1000, 'c', 'um'],
        ],
      );
      for (const e of s.entries)
        assert.match(e.realizadaEm, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d+Z$/);
    },
  );

  withStores('a debit past the limit is refused and changes nothing', async (a) => {
    const limit = Number(c1.limit);
    assert.deepEqual(await a.transact(c1, { valor: limit, tipo: 'd', descricao: 'ate' }), {
      applied: true,
      balance: -c1.limit,
    });
    assert.deepEqual(await a.transact(c1, { valor: 1, tipo: 'd', descricao: 'alem' }), {
      applied: false,
      reason: 'insufficient_limit',
    });
    const s = await a.statement(c1);
    assert.equal(s.balance, -c1.limit);
    assert.equal(s.entries.length, 1);
  });

  withStores('the statement lists at most 10, newest first', async (a) => {
    for (let i = 0; i < 13; i++) await a.transact(c1, { valor: 1, tipo: 'c', descricao: `t${i}` });
    const s = await a.statement(c1);
    assert.equal(s.balance, 13n);
    assert.deepEqual(
      s.entries.map((e) => e.descricao),
      ['t12', 't11', 't10', 't9', 't8', 't7', 't6', 't5', 't4', 't3'],
    );
  });

  withStores('25 concurrent debits of 1 through two stores end exactly at -25', async (a, b) => {
    const r = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        (i % 2 ? a : b).transact(c1, { valor: 1, tipo: 'd', descricao: 'par' }),
      ),
    );
    assert.ok(r.every((x) => x.applied));
    assert.equal((await a.statement(c1)).balance, -25n);
  });

  withStores(
    'a race to the limit: exactly as many debits pass as the limit allows, never one more',
    async (a, b) => {
      const client: ClientAccount = SEED_CLIENTS[1]!; // limit 80,000
      const step = Number(client.limit) / 40;
      const r = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 ? a : b).transact(client, { valor: step, tipo: 'd', descricao: 'corrida' }),
        ),
      );
      assert.equal(r.filter((x) => x.applied).length, 40);
      assert.equal((await a.statement(client)).balance, -client.limit);
    },
  );

  withStores(
    'a credit that would overflow int64 is refused, the balance stays exact',
    async (a) => {
      const big = Number.MAX_SAFE_INTEGER;
      let balance = 0n;
      while (balance + BigInt(big) <= INT64_MAX) {
        const r = await a.transact(c1, { valor: big, tipo: 'c', descricao: 'muito' });
        assert.ok(r.applied);
        balance += BigInt(big);
        assert.equal(r.balance, balance);
      }
      assert.deepEqual(await a.transact(c1, { valor: big, tipo: 'c', descricao: 'demais' }), {
        applied: false,
        reason: 'balance_overflow',
      });
      assert.equal((await a.statement(c1)).balance, balance);
    },
  );

  withStores('descriptions keep their exact Unicode text', async (a) => {
    for (const d of ['ção', '😀é', 'a b c', '1234567890']) {
      await a.transact(c1, { valor: 1, tipo: 'c', descricao: d });
      assert.equal((await a.statement(c1)).entries[0]!.descricao, d);
    }
  });

  withStores('a rehearsal answers what a transaction would, and writes nothing', async (a, b) => {
    await a.transact(c1, { valor: 500, tipo: 'c', descricao: 'antes' });
    assert.deepEqual(await a.rehearse(c1, { valor: 200, tipo: 'c', descricao: 'ensaio' }), {
      applied: true,
      balance: 700n,
    });
    assert.deepEqual(await b.rehearse(c1, { valor: 300, tipo: 'd', descricao: 'ensaio' }), {
      applied: true,
      balance: 200n,
    });
    assert.deepEqual(
      await a.rehearse(c1, { valor: Number(c1.limit) + 501, tipo: 'd', descricao: 'ensaio' }),
      { applied: false, reason: 'insufficient_limit' },
    );
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).rehearse(c1, { valor: 1, tipo: 'd', descricao: 'ensaio' }),
      ),
    );
    const s = await b.statement(c1);
    assert.equal(s.balance, 500n);
    assert.deepEqual(
      s.entries.map((e) => e.descricao),
      ['antes'],
    );
    assert.deepEqual(await b.transact(c1, { valor: 1, tipo: 'd', descricao: 'depois' }), {
      applied: true,
      balance: 499n,
    });
  });
}
