// The SQLite store's WAL checkpointer: a worker thread copies the WAL into the database file, the
// API connection's commits do not (until the worker fails, then SQLite's default comes back).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { SEED_CLIENTS } from '../../src/crebito/core/clients.js';
import { initSqliteDatabase, SqliteLedgerStore } from '../../src/crebito/store/sqlite.js';
import {
  SQLITE_BACKSTOP_AUTOCHECKPOINT_PAGES,
  SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES,
  WalCheckpointer,
} from '../../src/crebito/store/sqlite-checkpointer.js';

function freshFile(): { file: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rinha-ckpt-'));
  const file = path.join(dir, 'ledger.sqlite');
  initSqliteDatabase(file);
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

function autocheckpoint(store: SqliteLedgerStore): number {
  return store['db'].pragma('wal_autocheckpoint', { simple: true }) as number;
}

test('the worker checkpoints the commits of the store, whose own auto-checkpoint is the backstop', async () => {
  const { file, remove } = freshFile();
  const store = new SqliteLedgerStore({ file });
  try {
    assert.equal(autocheckpoint(store), SQLITE_BACKSTOP_AUTOCHECKPOINT_PAGES);
    const next = store.checkpointer.nextCheckpoint();
    const client = SEED_CLIENTS[0]!;
    for (let i = 0; i < 20; i++) {
      await store.transact(client, { valor: 1, tipo: 'c', descricao: 'ckpt' });
    }
    const done = await next;
    assert.ok(done.log > 0 && done.checkpointed > 0 && done.checkpointed <= done.log);
    assert.equal((await store.statement(client)).balance, 20n);
  } finally {
    await store.close();
    remove();
  }
});

test('when the worker dies, the store says so and its commits checkpoint again', async () => {
  const { file, remove } = freshFile();
  let said!: (m: string) => void;
  const logged = new Promise<string>((resolve) => (said = resolve));
  const store = new SqliteLedgerStore({ file, log: (m) => said(m) });
  try {
    await store.checkpointer['worker'].terminate();
    assert.match(await logged, /checkpointer stopped .*commits checkpoint the WAL themselves/);
    assert.equal(autocheckpoint(store), SQLITE_DEFAULT_AUTOCHECKPOINT_PAGES);
    const tx = await store.transact(SEED_CLIENTS[1]!, { valor: 5, tipo: 'd', descricao: 'ok' });
    assert.equal(tx.applied, true);
  } finally {
    await store.close();
    remove();
  }
});

test('a checkpointer that cannot open its database fails once, and its waiters are told', async () => {
  let reasons = 0;
  let failed!: () => void;
  const gone = new Promise<void>((resolve) => (failed = resolve));
  const ckpt = new WalCheckpointer(
    path.join(os.tmpdir(), 'rinha-no-such-dir', 'x', 'db.sqlite'),
    () => {
      reasons++;
      failed();
    },
  );
  const waiting = ckpt.nextCheckpoint();
  await assert.rejects(waiting, /checkpointer failed/);
  await gone;
  await ckpt.stop();
  assert.equal(reasons, 1);
  assert.throws(() => ckpt.nextCheckpoint(), /stopped/);
});
