// The LedgerStore contract over SQLite, in-process (no server needed).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { initSqliteDatabase, SqliteLedgerStore } from '../../src/crebito/store/sqlite.js';
import { ledgerStoreContract } from '../contracts/ledger-store.js';

ledgerStoreContract('SQLite', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rinha-ledger-'));
  const file = path.join(dir, 'ledger.sqlite');
  initSqliteDatabase(file);
  const stores = [new SqliteLedgerStore({ file }), new SqliteLedgerStore({ file })] as const;
  return {
    stores,
    async close() {
      for (const s of stores) await s.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
