// The one interface every ledger store implements. The HTTP adapter and the tests only see this.

import type { ClientAccount } from '../core/clients.js';
import type { LedgerOutcome } from '../core/ledger.js';
import type { Statement } from '../core/statement.js';
import type { TransactionRequest } from '../core/transaction.js';

export interface LedgerStore {
  /** The clients and their limits (loaded once at start-up). */
  clients(): Promise<ClientAccount[]>;
  /**
   * Applies one transaction atomically: the balance check, the update and the append happen
   * together or not at all, free of races with any other process using the same database.
   */
  transact(client: ClientAccount, tx: TransactionRequest): Promise<LedgerOutcome>;
  /**
   * Runs a transaction's statements and rolls them back: the outcome it would have had, nothing
   * written. The warm-up rehearses the paths of accepted credits and debits with it.
   */
  rehearse(client: ClientAccount, tx: TransactionRequest): Promise<LedgerOutcome>;
  /** Balance and newest transactions, read from one consistent snapshot. */
  statement(client: ClientAccount): Promise<Statement>;
  close(): Promise<void>;
}

export type LedgerStoreKind = 'sqlite' | 'postgres';
export const LEDGER_STORE_KINDS: readonly LedgerStoreKind[] = ['sqlite', 'postgres'];

/** The same store with every transaction rehearsed (rolled back): what the warm-up serves from. */
export function rehearsing(store: LedgerStore): LedgerStore {
  return {
    clients: () => store.clients(),
    transact: (client, tx) => store.rehearse(client, tx),
    rehearse: (client, tx) => store.rehearse(client, tx),
    statement: (client) => store.statement(client),
    close: () => Promise.resolve(),
  };
}
