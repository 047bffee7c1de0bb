// One Crébito API instance: opens its store, loads the clients, serves HTTP until told to stop.
import type { Server } from 'node:http';
import { ClientDirectory, SEED_CLIENTS } from './core/clients.js';
import { createCannedHandler } from './http/canned.js';
import { createLedgerHandler } from './http/handler.js';
import { crebitoWarmRequests, WARMUP_ROUNDS } from './http/warmup.js';
import { describeWarmUp, warmUp } from '../http/warmup.js';
import { PostgresLedgerStore, type PostgresStoreOptions } from './store/postgres.js';
import { SqliteLedgerStore } from './store/sqlite.js';
import { rehearsing, type LedgerStore } from './store/store.js';
import { closeServer, listen, type ListenTarget } from '../http/listen.js';

export type StoreConfig =
  | { readonly kind: 'sqlite'; readonly file: string }
  | ({ readonly kind: 'postgres' } & PostgresStoreOptions);

/** What an instance serves: the real ledger, or the canned latency floor (no store at all). */
export type InstanceMode =
  { readonly canned: true } | { readonly canned?: false; readonly store: StoreConfig };

export type InstanceOptions = InstanceMode & {
  readonly listen: ListenTarget;
  /** Warm-up rounds before listening (default WARMUP_ROUNDS; 0 to skip). */
  readonly warmupRounds?: number;
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
/** …asking again this often. */
const STARTUP_DB_RETRY_MS = 200;

async function loadClients(store: LedgerStore, log: (m: string) => void): Promise<ClientDirectory> {
  const deadline = Date.now() + STARTUP_DB_WAIT_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return new ClientDirectory(await store.clients());
    } catch (err) {
      if (Date.now() > deadline) throw err;
      if (attempt === 1) log(`waiting for the database: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, STARTUP_DB_RETRY_MS));
    }
  }
}

export async function startCrebitoInstance(opts: InstanceOptions): Promise<RunningInstance> {
  const log = opts.log ?? ((m: string) => console.error(m));
  if (opts.canned) {
    // The floor is warmed the same way, so the comparison is fair.
    const canned = createCannedHandler();
    const requests = crebitoWarmRequests(SEED_CLIENTS).map((r) => ({ ...r, expect: 200 }));
    await warmUp(canned, requests, { rounds: opts.warmupRounds ?? WARMUP_ROUNDS, concurrency: 8 });
    const server = await listen(canned, opts.listen, { log });
    return { server, close: () => closeServer(server) };
  }
  const store = openStore(opts.store);
  const directory = await loadClients(store, log);
  const route = createLedgerHandler({ store, directory, log });
  // Ready only when warm: the real socket appears after the warm-up (http/warmup.ts). Its
  // accepted writes go to a route over the same store that rolls each back.
  const rehearsal = createLedgerHandler({ store: rehearsing(store), directory, log });
  const warmRequests = crebitoWarmRequests(directory.accounts, { rehearsedWrites: true });
  const warm = await warmUp(rehearsal, warmRequests, {
    rounds: opts.warmupRounds ?? WARMUP_ROUNDS,
    concurrency: opts.store.kind === 'postgres' ? opts.store.poolSize : 1,
  });
  log(describeWarmUp(warm));
  const server = await listen(route, opts.listen, { log });
  return {
    server,
    async close() {
      await closeServer(server);
      await store.close();
    },
  };
}
