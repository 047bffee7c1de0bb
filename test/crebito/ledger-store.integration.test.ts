// The LedgerStore contract over a real PostgreSQL (a throwaway cluster).
import { after, before, describe } from 'node:test';
import { PostgresLedgerStore } from '../../src/crebito/store/postgres.js';
import { PG_SUPERUSER } from '../../src/stack/postgres.js';
import { ledgerStoreContract } from '../contracts/ledger-store.js';
import { startPostgresServer } from '../helpers/servers.js';

describe('LedgerStore contract on PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof startPostgresServer>>;
  before(async () => {
    pg = await startPostgresServer();
  });
  after(async () => {
    await pg?.stop();
  });
  ledgerStoreContract('PostgreSQL', async () => {
    const database = await pg.freshDatabase();
    const open = () =>
      new PostgresLedgerStore({
        host: pg.info.socketDir,
        port: pg.info.port,
        database,
        user: PG_SUPERUSER,
        poolSize: 8,
      });
    const stores = [open(), open()] as const;
    return {
      stores,
      async close() {
        for (const s of stores) await s.close();
      },
    };
  });
});
