// SQLite store (embedded default): one database file in WAL mode shared by both API instances.
// Each transaction runs under BEGIN IMMEDIATE, which takes the database's write lock before the
// balance is read, so two processes can never interleave a read-modify-write (no lost update).
// The ledger rule itself is the pure core's applyTransaction.
import assert from 'node:assert/strict';

import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import type { ClientAccount } from '../core/clients.js';
import { applyTransaction, type LedgerOutcome } from '../core/ledger.js';
import { STATEMENT_SIZE, type Statement, type StatementEntry } from '../core/statement.js';
import type { TransactionRequest, Tipo } from '../core/transaction.js';
import { projectPath } from '../../paths.js';
import type { LedgerStore } from './store.js';
import {
  SQLITE_BACKSTOP_AUTOCHECKPOINT_PAGES,
  SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES,
  WalCheckpointer,
} from './sqlite-checkpointer.js';

/** How long a writer waits for the other instance's lock before failing (it blocks the event loop). */
export const SQLITE_BUSY_TIMEOUT_MS = 5000;

export interface SqliteStoreOptions {
  readonly file: string;
  /** Where the store says its checkpointer failed (default: stderr). */
  readonly log?: (msg: string) => void;
}

interface BalanceRow {
  saldo: bigint;
}
interface EntryRow {
  valor: bigint;
  tipo: Tipo;
  descricao: string;
  realizada_em: string;
}

function openDatabase(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a commit survives the crash of any process; only an OS crash may lose the tail.
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  return db;
}

/** Creates a fresh database with the schema and the contract's seed data (removes nothing). */
export function initSqliteDatabase(file: string): void {
  const db = openDatabase(file);
  try {
    db.exec(readFileSync(projectPath('src/crebito/sql/sqlite-schema.sql'), 'utf8'));
    db.exec(readFileSync(projectPath('src/crebito/sql/seed.sql'), 'utf8'));
  } finally {
    db.close();
  }
}

/** Carries a rehearsal's outcome out of the transaction it rolls back. */
class Rehearsed extends Error {
  constructor(readonly outcome: LedgerOutcome) {
    super('rehearsal rolled back');
  }
}

export class SqliteLedgerStore implements LedgerStore {
  private readonly db: Database.Database;
  private readonly readBalance: Database.Statement<[number], BalanceRow>;
  private readonly writeBalance: Database.Statement<[bigint, number]>;
  private readonly append: Database.Statement<[number, number, Tipo, string, string]>;
  private readonly recent: Database.Statement<[number, number], EntryRow>;
  private readonly transactTx: (
    client: ClientAccount,
    tx: TransactionRequest,
    at: string,
  ) => LedgerOutcome;
  private readonly rehearseTx: (
    client: ClientAccount,
    tx: TransactionRequest,
    at: string,
  ) => LedgerOutcome;
  private readonly statementTx: (client: ClientAccount) => Statement;
  /** Copies the WAL into the database file off the event loop (sqlite-checkpointer.ts). */
  readonly checkpointer: WalCheckpointer;

  constructor(opts: SqliteStoreOptions) {
    this.db = openDatabase(opts.file);
    this.db.pragma(`wal_autocheckpoint = ${SQLITE_BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    const log = opts.log ?? ((m: string) => console.error(m));
    this.checkpointer = new WalCheckpointer(opts.file, (reason) => {
      if (this.db.open)
        this.db.pragma(`wal_autocheckpoint = ${SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES}`);
      log(`sqlite: checkpointer stopped (${reason}); commits checkpoint the WAL themselves again`);
    });
    this.readBalance = this.db
      .prepare<[number], BalanceRow>('SELECT saldo FROM clientes WHERE id = ?')
      .safeIntegers(true);
    this.writeBalance = this.db.prepare<[bigint, number]>(
      'UPDATE clientes SET saldo = ? WHERE id = ?',
    );
    this.append = this.db.prepare<[number, number, Tipo, string, string]>(
      'INSERT INTO transacoes (cliente_id, valor, tipo, descricao, realizada_em) VALUES (?, ?, ?, ?, ?)',
    );
    this.recent = this.db
      .prepare<[number, number], EntryRow>(
        'SELECT valor, tipo, descricao, realizada_em FROM transacoes WHERE cliente_id = ? ORDER BY id DESC LIMIT ?',
      )
      .safeIntegers(true);

    const apply = (client: ClientAccount, tx: TransactionRequest, at: string): LedgerOutcome => {
      const row = this.readBalance.get(client.id);
      assert(row !== undefined, `client ${client.id} missing from the database`);
      const outcome = applyTransaction(row.saldo, client.limit, tx.tipo, tx.valor);
      if (!outcome.applied) return outcome;
      this.writeBalance.run(outcome.balance, client.id);
      this.append.run(client.id, tx.valor, tx.tipo, tx.descricao, at);
      return outcome;
    };
    const transact = this.db.transaction(apply);
    // IMMEDIATE: take the write lock before reading the balance.
    this.transactTx = (client, tx, at) => transact.immediate(client, tx, at);
    // A throw inside a better-sqlite3 transaction rolls it back: the rehearsal's outcome rides it.
    const rehearsal = this.db.transaction(
      (client: ClientAccount, tx: TransactionRequest, at: string) => {
        throw new Rehearsed(apply(client, tx, at));
      },
    );
    this.rehearseTx = (client, tx, at) => {
      try {
        rehearsal.immediate(client, tx, at);
      } catch (err) {
        if (err instanceof Rehearsed) return err.outcome;
        throw err;
      }
      assert.fail('a rehearsal always rolls back');
    };

    const statement = this.db.transaction((client: ClientAccount): Statement => {
      const row = this.readBalance.get(client.id);
      assert(row !== undefined, `client ${client.id} missing from the database`);
      const entries: StatementEntry[] = this.recent.all(client.id, STATEMENT_SIZE).map((r) => ({
        valor: r.valor,
        tipo: r.tipo,
        descricao: r.descricao,
        realizadaEm: r.realizada_em,
      }));
      return { balance: row.saldo, entries };
    });
    // DEFERRED: a read transaction sees one snapshot of the WAL (balance and entries agree).
    this.statementTx = (client) => statement.deferred(client);
  }

  async clients(): Promise<ClientAccount[]> {
    const rows = this.db
      .prepare<[], { id: bigint; limite: bigint }>('SELECT id, limite FROM clientes ORDER BY id')
      .safeIntegers(true)
      .all();
    return rows.map((r) => ({ id: Number(r.id), limit: r.limite }));
  }

  async transact(client: ClientAccount, tx: TransactionRequest): Promise<LedgerOutcome> {
    return this.transactTx(client, tx, new Date().toISOString());
  }

  async rehearse(client: ClientAccount, tx: TransactionRequest): Promise<LedgerOutcome> {
    return this.rehearseTx(client, tx, new Date().toISOString());
  }

  async statement(client: ClientAccount): Promise<Statement> {
    return this.statementTx(client);
  }

  async close(): Promise<void> {
    await this.checkpointer.stop();
    this.db.close();
  }
}
