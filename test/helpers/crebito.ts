// Shared pieces of the Crébito integration tests: the stack for a store, direct reads of the
// database behind it, and the official validation phase.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { INVALID_TRANSACTIONS } from '../../src/bench/scenarios/crebito2024.js';
import { upCrebito, type CrebitoStack } from '../../src/crebito/stack.js';
import type { LedgerStoreKind } from '../../src/crebito/store/store.js';
import { Client, once, type Reply } from './http.js';

export const LIMITS: Record<number, number> = {
  1: 100000,
  2: 80000,
  3: 1000000,
  4: 10000000,
  5: 500000,
};

export interface Row {
  id: number;
  cliente_id: number;
  valor: number;
  tipo: 'c' | 'd';
  descricao: string;
}

export async function startStack(store: LedgerStoreKind, port: number): Promise<CrebitoStack> {
  const runDir = mkdtempSync(path.join(os.tmpdir(), `rinha-test-${store}-`));
  return upCrebito({ store, port, runDir, log: () => {} });
}

/** Reads the ledger straight from the database (not through the API). */
export async function readLedger(
  s: CrebitoStack,
): Promise<{ balances: Map<number, bigint>; rows: Row[] }> {
  const balances = new Map<number, bigint>();
  if (s.store.kind === 'sqlite') {
    const db = new Database(s.store.file, { readonly: true });
    try {
      for (const r of db.prepare('SELECT id, saldo FROM clientes').safeIntegers(true).all() as {
        id: bigint;
        saldo: bigint;
      }[])
        balances.set(Number(r.id), r.saldo);
      const rows = db
        .prepare('SELECT id, cliente_id, valor, tipo, descricao FROM transacoes ORDER BY id')
        .all() as Row[];
      return { balances, rows };
    } finally {
      db.close();
    }
  }
  const sql = postgres({
    host: s.store.host,
    port: s.store.port,
    database: s.store.database,
    username: s.store.user,
    max: 1,
    onnotice: () => {},
  });
  try {
    for (const r of await sql<
      { id: number; saldo: string }[]
    >`SELECT id, saldo::text FROM clientes`)
      balances.set(r.id, BigInt(r.saldo));
    const rows = await sql<
      Row[]
    >`SELECT id::int, cliente_id, valor::int, tipo, descricao FROM transacoes ORDER BY id`;
    return { balances, rows: [...rows] };
  } finally {
    await sql.end();
  }
}

interface Extrato {
  saldo: { total: number; limite: number; data_extrato: string };
  ultimas_transacoes: { valor: number; tipo: string; descricao: string; realizada_em: string }[];
}

const okStatus = (r: Reply) => assert.equal(r.status, 200, r.body);

/** Phases 1 and 2 of the official Gatling test, check by check. */
export async function officialValidation(origin: string): Promise<void> {
  const tx = (id: number, body: unknown) =>
    once(origin, 'POST', `/clientes/${id}/transacoes`, body);
  const extrato = async (id: number) => {
    const r = await once(origin, 'GET', `/clientes/${id}/extrato`);
    okStatus(r);
    return r.json<Extrato>();
  };

  const debits = await Promise.all(
    Array.from({ length: 25 }, () => tx(1, { valor: 1, tipo: 'd', descricao: 'debits' })),
  );
  debits.forEach(okStatus);
  assert.equal((await extrato(1)).saldo.total, -25);
  const credits = await Promise.all(
    Array.from({ length: 25 }, () => tx(1, { valor: 1, tipo: 'c', descricao: 'credits' })),
  );
  credits.forEach(okStatus);
  assert.equal((await extrato(1)).saldo.total, 0);

  const perClient = async (id: number) => {
    const e0 = await extrato(id);
    assert.equal(e0.saldo.limite, LIMITS[id]);
    assert.equal(e0.saldo.total, 0);
    const toma = await tx(id, { valor: 1, tipo: 'c', descricao: 'toma' });
    okStatus(toma);
    assert.ok(toma.json<{ saldo: number; limite: number }>().saldo >= -LIMITS[id]!);
    okStatus(await tx(id, { valor: 1, tipo: 'd', descricao: 'devolve' }));
    const e1 = await extrato(id);
    assert.deepEqual(
      e1.ultimas_transacoes.slice(0, 2).map((t) => [t.descricao, t.tipo, t.valor]),
      [
        ['devolve', 'd', 1],
        ['toma', 'c', 1],
      ],
    );
    const credit = tx(id, { valor: 1, tipo: 'c', descricao: 'danada' });
    const first = await credit;
    okStatus(first);
    const { saldo, limite } = first.json<{ saldo: number; limite: number }>();
    const reads = await Promise.all(Array.from({ length: 4 }, () => extrato(id)));
    for (const e of reads) {
      assert.equal(e.ultimas_transacoes[0]?.descricao, 'danada');
      assert.equal(e.saldo.total, saldo);
      assert.equal(e.saldo.limite, limite);
    }
    for (const bad of INVALID_TRANSACTIONS) {
      const r = await tx(id, bad);
      assert.ok(r.status === 422 || r.status === 400, `${JSON.stringify(bad)} -> ${r.status}`);
    }
  };
  const notFound = once(origin, 'GET', '/clientes/6/extrato');
  await Promise.all([1, 2, 3, 4, 5].map(perClient));
  assert.equal((await notFound).status, 404);
}

export { Client };
