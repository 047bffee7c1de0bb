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
  /** Balance and newest transactions, read from one consistent snapshot. */
  statement(client: ClientAccount): Promise<Statement>;
  close(): Promise<void>;
}

export type LedgerStoreKind = 'sqlite' | 'postgres';
export const LEDGER_STORE_KINDS: readonly LedgerStoreKind[] = ['sqlite', 'postgres'];
