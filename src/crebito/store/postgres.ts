// PostgreSQL store (production): every operation is ONE round trip, one statement.
// The transaction statement updates the balance only if the ledger rule holds (the row lock of the
// UPDATE serialises concurrent writers and READ COMMITTED re-checks the WHERE clause against the
// newest row version) and appends the transaction in the same statement, so both commit together.
import assert from 'node:assert/strict';

import postgres from 'postgres';
import type { ClientAccount } from '../core/clients.js';
import type { LedgerOutcome } from '../core/ledger.js';
import { STATEMENT_SIZE, type Statement } from '../core/statement.js';
import type { TransactionRequest, Tipo } from '../core/transaction.js';
import type { LedgerStore } from './store.js';

export interface PostgresStoreOptions {
  /** A directory holding the server's unix socket, or a host name. */
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password?: string;
  /** Connections per API instance. */
  readonly poolSize: number;
}

/**
 * Default connections per API instance. One: the connection pipelines its queries, and the
 * database runs them in the order the instance received its requests — with nginx's per-client
 * affinity, each client's statements in arrival order. With two, a client's first extrato queued
 * on a busy connection while the load's first write to that client ran on the idle one and
 * committed first (the official load-start race, lost once in three runs; docs/BENCHMARKS.md,
 * session 13). Every connection more is also one more backend contending for the same five rows:
 * with 8, the validation burst (25 concurrent debits of one client) cost the database 0.11-0.20
 * CPU-s in its first second and 1-3 throttled periods; with 2, 0.04-0.06 and none (session 6).
 */
export const DEFAULT_PG_POOL_SIZE = 1;
const CONNECT_TIMEOUT_S = 2;
/**
 * Reconnect delay after a failed connection, in seconds. The library's default grows to 20 s,
 * which would hold requests that long after the database comes back; cap it at half a second.
 */
export const PG_RECONNECT_BACKOFF_MAX_S = 0.5;
const reconnectBackoff = (retries: number) => Math.min(0.05 * retries, PG_RECONNECT_BACKOFF_MAX_S);
const NUMERIC_VALUE_OUT_OF_RANGE = '22003';

interface EntryRow {
  saldo: bigint;
  valor: bigint | null;
  tipo: Tipo | null;
  descricao: string | null;
  realizada_em: string | null;
}

type PgSql = postgres.Sql<{ bigint: bigint }>;
/** Thrown inside a rehearsal's transaction so that it rolls back. */
const ROLLBACK = Symbol('rollback');

export class PostgresLedgerStore implements LedgerStore {
  private readonly sql: PgSql;

  constructor(opts: PostgresStoreOptions) {
    this.sql = postgres({
      host: opts.host,
      port: opts.port,
      database: opts.database,
      username: opts.user,
      ...(opts.password === undefined ? {} : { password: opts.password }),
      max: opts.poolSize,
      connect_timeout: CONNECT_TIMEOUT_S,
      backoff: reconnectBackoff,
      idle_timeout: 0,
      prepare: true,
      onnotice: () => {},
      types: { bigint: postgres.BigInt },
    });
  }

  async clients(): Promise<ClientAccount[]> {
    const rows = await this.sql<
      { id: number; limite: bigint }[]
    >`SELECT id, limite FROM clientes ORDER BY id`;
    return rows.map((r) => ({ id: r.id, limit: r.limite }));
  }

  async transact(client: ClientAccount, tx: TransactionRequest): Promise<LedgerOutcome> {
    return this.apply(this.sql, client, tx);
  }

  async rehearse(client: ClientAccount, tx: TransactionRequest): Promise<LedgerOutcome> {
    let outcome: LedgerOutcome | undefined;
    try {
      await this.sql.begin(async (sql) => {
        outcome = await this.apply(sql, client, tx);
        throw ROLLBACK; // begin() rolls back on a throw
      });
    } catch (err) {
      if (err !== ROLLBACK) throw err;
    }
    assert(outcome !== undefined, 'a rehearsal ends with an outcome');
    return outcome;
  }

  private async apply(
    sql: PgSql | postgres.TransactionSql<{ bigint: bigint }>,
    client: ClientAccount,
    tx: TransactionRequest,
  ): Promise<LedgerOutcome> {
    const delta = tx.tipo === 'c' ? tx.valor : -tx.valor;
    try {
      const rows = await sql<{ saldo: bigint }[]>`
        WITH upd AS (
          UPDATE clientes SET saldo = saldo + ${delta}::bigint
          WHERE id = ${client.id} AND saldo + ${delta}::bigint >= -limite
          RETURNING saldo
        ), ins AS (
          INSERT INTO transacoes (cliente_id, valor, tipo, descricao)
          SELECT ${client.id}, ${tx.valor}::bigint, ${tx.tipo}, ${tx.descricao} FROM upd
        )
        SELECT saldo FROM upd`;
      const row = rows[0];
      if (row === undefined) return { applied: false, reason: 'insufficient_limit' };
      return { applied: true, balance: row.saldo };
    } catch (err) {
      if ((err as { code?: string }).code === NUMERIC_VALUE_OUT_OF_RANGE)
        return { applied: false, reason: 'balance_overflow' };
      throw err;
    }
  }

  async statement(client: ClientAccount): Promise<Statement> {
    // One statement = one snapshot: the balance and the listed transactions always agree.
    const rows = await this.sql<EntryRow[]>`
      SELECT c.saldo, t.valor, t.tipo, t.descricao,
             to_char(t.realizada_em AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS realizada_em
      FROM clientes c
      LEFT JOIN LATERAL (
        SELECT id, valor, tipo, descricao, realizada_em FROM transacoes
        WHERE cliente_id = c.id ORDER BY id DESC LIMIT ${STATEMENT_SIZE}
      ) t ON true
      WHERE c.id = ${client.id}
      ORDER BY t.id DESC`;
    const first = rows[0];
    assert(first !== undefined, `client ${client.id} missing from the database`);
    const entries = [];
    for (const r of rows) {
      if (r.valor === null || r.tipo === null || r.descricao === null || r.realizada_em === null)
        continue;
      entries.push({
        valor: r.valor,
        tipo: r.tipo,
        descricao: r.descricao,
        realizadaEm: r.realizada_em,
      });
    }
    return { balance: first.saldo, entries };
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 2 });
  }
}
