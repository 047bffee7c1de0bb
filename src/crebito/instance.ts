// One Crébito API instance: opens its store, loads the clients, serves HTTP until told to stop.
import type { Server } from 'node:http';
import { ClientDirectory } from './core/clients.js';
import { createCannedHandler } from './http/canned.js';
import { createLedgerHandler } from './http/handler.js';
import { PostgresLedgerStore, type PostgresStoreOptions } from './store/postgres.js';
import { SqliteLedgerStore } from './store/sqlite.js';
import type { LedgerStore } from './store/store.js';
import { closeServer, listen, type ListenTarget } from '../http/listen.js';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | ({ readonly kind: 'postgres' } & PostgresStoreOptions);

/** What an instance serves: the real ledger, or the canned latency floor (no store at all). */
export type InstanceMode =
  { readonly canned: true } | { readonly canned?: false; readonly store: StoreConfig };

export type InstanceOptions = InstanceMode & {
  readonly listen: ListenTarget;
  readonly log?: (msg: string) => void;
};

export interface RunningInstance {
  readonly server: Server;
  close(): Promise<void>;
}

export function openStore(cfg: StoreConfig): LedgerStore {
  return cfg.kind === 'sqlite'
    ? new SqliteLedgerStore({ file: cfg.file })
    : new PostgresLedgerStore(cfg);
}

/** How long start-up waits for the database to answer (the contract allows 40 s for the stack). */
const STARTUP_DB_WAIT_MS = 30_000;

async function loadClients(store: LedgerStore, log: (m: string) => void): Promise<ClientDirectory> {
  const deadline = Date.now() + STARTUP_DB_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return new ClientDirectory(await store.clients());
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (attempt === 1) log(`waiting for the database: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export async function startCrebitoInstance(opts: InstanceOptions): Promise<RunningInstance> {
  const log = opts.log ?? ((m: string) => console.error(m));
  if (opts.canned) {
    const server = await listen(createCannedHandler(), opts.listen, { log });
    return { server, close: () => closeServer(server) };
  }
  const store = openStore(opts.store);
  const directory = await loadClients(store, log);
  const server = await listen(createLedgerHandler({ store, directory, log }), opts.listen, { log });
  return {
    server,
    async close() {
      await closeServer(server);
      await store.close();
    },
  };
}
