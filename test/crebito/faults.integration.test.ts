// Faults under load: kill -9 of one API instance (both stores), restart of PostgreSQL.
// Every request carries a unique descricao, so answers are matched with the database afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CrebitoStack } from '../../src/crebito/stack.js';
import { LEDGER_STORE_KINDS } from '../../src/crebito/store/store.js';
import { Client, readLedger, startStack } from '../helpers/crebito.js';
import { randomTransactions, signed, type Sent } from '../helpers/load.js';
import { waitUntil } from '../../src/stack/stack.js';

/** No committed transaction lost, nothing committed that was refused, balances exact. */
async function assertLedgerMatches(
  s: CrebitoStack,
  sent: Sent[],
  ambiguous: (x: Sent) => boolean,
): Promise<void> {
  const { balances, rows } = await readLedger(s);
  const byDescricao = new Map(sent.map((x) => [x.descricao, x]));
  const stored = new Set(rows.map((r) => r.descricao));
  for (const x of sent)
    if (x.status === 200)
      assert.ok(stored.has(x.descricao), `200-answered ${x.descricao} missing from the database`);
  for (const r of rows) {
    const x = byDescricao.get(r.descricao);
    if (x === undefined) continue;
    assert.ok(
      x.status === 200 || ambiguous(x),
      `${r.descricao} stored although answered ${x.status}`,
    );
  }
  for (let id = 1; id <= 5; id++) {
    const sum = rows.filter((r) => r.cliente_id === id).reduce((acc, r) => acc + signed(r), 0n);
    assert.equal(balances.get(id), sum, `client ${id}: balance == sum of stored transactions`);
  }
}

const KILL_PORTS = { sqlite: 19993, postgres: 19994 } as const;

for (const store of LEDGER_STORE_KINDS) {
  test(`kill -9 of one API instance under load keeps serving and loses nothing (${store})`, async () => {
    const s = await startStack(store, KILL_PORTS[store]);
    const client = new Client(`http://127.0.0.1:${s.port}`, 24);
    try {
      const api1 = s.stack.service('api1');
      let killedAt = -1;
      const sent = await randomTransactions(client, {
        total: 2000,
        concurrency: 24,
        seed: 9,
        onProgress: (done) => {
          if (done === 400) {
            api1.crash();
            killedAt = done;
          }
        },
      });
      assert.equal(killedAt, 400);
      await api1.exited();
      assert.equal(api1.running, false);
      assert.ok(s.stack.service('api2').running);
      const afterKill = sent.slice(600);
      const served = afterKill.filter((x) => x.status === 200 || x.status === 422).length;
      assert.ok(
        served > afterKill.length * 0.9,
        `only ${served}/${afterKill.length} served after the kill`,
      );
      for (let i = 0; i < 10; i++)
        assert.equal((await client.get('/clientes/1/extrato')).status, 200);
      // An answer lost with the killed instance (502 or a dropped connection) may or may not have committed.
      await assertLedgerMatches(s, sent, (x) => x.status === 502 || x.status === 0);
    } finally {
      await client.close();
      await s.stop();
    }
  });
}

test('PostgreSQL restart under load: errors while down, never wrong data, recovers by itself', async () => {
  const s = await startStack('postgres', 19995);
  const client = new Client(`http://127.0.0.1:${s.port}`, 16);
  try {
    const db = s.stack.service('db');
    const apiPids = ['api1', 'api2'].map((n) => s.stack.service(n).pid);
    let reached!: () => void;
    const midway = new Promise<void>((r) => (reached = r));
    const load = randomTransactions(client, {
      total: 1500,
      concurrency: 16,
      seed: 77,
      onProgress: (d) => d === 300 && reached(),
    });
    await midway;
    await db.stop();
    const whileDown = await Promise.all([
      client.post('/clientes/1/transacoes', { valor: 1, tipo: 'c', descricao: 'down' }),
      client.get('/clientes/2/extrato'),
    ]);
    for (const r of whileDown)
      assert.equal(r.status, 503, `while the database is down: ${r.status} ${r.body}`);
    db.start();
    await waitUntil(
      'recovery',
      async () => (await client.get('/clientes/1/extrato')).status === 200,
      { timeoutMs: 30_000 },
    );
    const sent = await load;
    assert.deepEqual(
      ['api1', 'api2'].map((n) => s.stack.service(n).pid),
      apiPids,
      'the API instances were not restarted',
    );
    for (const x of sent)
      assert.ok([200, 422, 503].includes(x.status), `unexpected status ${x.status}`);
    assert.equal(
      (await client.post('/clientes/1/transacoes', { valor: 5, tipo: 'c', descricao: 'after' }))
        .status,
      200,
    );
    // A 503 may hide a commit whose answer was cut by the shutdown; a 422 never stores anything.
    await assertLedgerMatches(s, sent, (x) => x.status === 503);
  } finally {
    await client.close();
    await s.stop();
  }
});
