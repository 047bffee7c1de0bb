// Crébito through the real load balancer against BOTH stores: the official validation phase,
// a race of thousands of concurrent transactions across both instances, and bad input that must
// change nothing.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CrebitoStack } from '../../src/crebito/stack.js';
import { LEDGER_STORE_KINDS } from '../../src/crebito/store/store.js';
import { Client, LIMITS, officialValidation, readLedger, startStack } from '../helpers/crebito.js';
import { randomTransactions, signed } from '../helpers/load.js';
import { once } from '../helpers/http.js';
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CREBITO_APIS } from '../../src/crebito/topology.js';

const PORTS = { sqlite: 19991, postgres: 19992 } as const;

for (const store of LEDGER_STORE_KINDS) {
  describe(`crebito stack on ${store}`, () => {
    let s: CrebitoStack;
    let origin: string;
    let client: Client;

    before(async () => {
      s = await startStack(store, PORTS[store]);
      origin = `http://127.0.0.1:${s.port}`;
      client = new Client(origin, 48);
    });
    after(async () => {
      await client?.close();
      await s?.stop();
    });

    test('warm from the start: each of the first 50 requests answers within 250 ms', async () => {
      // New connections, as Gatling's users; none changes a balance (the validation runs next).
      for (let i = 0; i < 50; i++) {
        const t0 = performance.now();
        const r =
          i % 2 === 0
            ? await once(origin, 'GET', `/clientes/${1 + (i % 5)}/extrato`)
            : await once(origin, 'POST', `/clientes/${1 + (i % 5)}/transacoes`, {
                valor: 9_000_000_000,
                tipo: 'd',
                descricao: 'frio',
              });
        const ms = performance.now() - t0;
        assert.equal(r.status, i % 2 === 0 ? 200 : 422);
        assert.ok(ms < 250, `request ${i} took ${ms.toFixed(1)} ms`);
      }
    });

    test('each API started with its V8 flags and compacted its heap before it was ready', () => {
      // topology.ts CREBITO_API_V8_FLAGS: without --expose-gc the warm-up cannot end with a GC.
      for (const api of CREBITO_APIS) {
        const log = readFileSync(path.join(s.runDir, `${api}.log`), 'utf8');
        assert.match(log, /warm: \d+ requests .*; heap compacted to [\d.]+ MB/, api);
      }
    });

    test('the official validation phase passes', async () => {
      await officialValidation(origin);
    });

    test('race: 3000 concurrent random transactions keep every balance exact and within limit', async () => {
      const sent = await randomTransactions(client, { total: 3000, concurrency: 64, seed: 2024 });
      const accepted = sent.filter((x) => x.status === 200);
      assert.ok(
        sent.every((x) => x.status === 200 || x.status === 422),
        `statuses: ${[...new Set(sent.map((x) => x.status))]}`,
      );
      assert.ok(accepted.length > 1000, `accepted ${accepted.length}`);
      for (const a of accepted)
        assert.ok(a.saldo! >= -LIMITS[a.client]!, `saldo ${a.saldo} below -${LIMITS[a.client]}`);
      for (const x of sent.filter((y) => y.status === 422))
        assert.equal(x.tipo, 'd', 'only debits may be refused');

      const { balances, rows } = await readLedger(s);
      const acceptedIds = new Set(accepted.map((a) => a.descricao));
      const raceRows = rows.filter((r) => r.descricao.startsWith('r'));
      assert.deepEqual(
        new Set(raceRows.map((r) => r.descricao)),
        acceptedIds,
        'database rows == 200-answered transactions',
      );
      for (let id = 1; id <= 5; id++) {
        const expected = rows
          .filter((r) => r.cliente_id === id)
          .reduce((sum, r) => sum + signed(r), 0n);
        assert.equal(
          balances.get(id),
          expected,
          `client ${id}: balance == sum of its transactions`,
        );
        assert.ok(balances.get(id)! >= -BigInt(LIMITS[id]!));
        const extrato = (await client.get(`/clientes/${id}/extrato`)).json<{
          saldo: { total: number };
          ultimas_transacoes: { descricao: string }[];
        }>();
        assert.equal(BigInt(extrato.saldo.total), balances.get(id));
        const newest = rows
          .filter((r) => r.cliente_id === id)
          .slice(-10)
          .reverse()
          .map((r) => r.descricao);
        assert.deepEqual(
          extrato.ultimas_transacoes.map((t) => t.descricao),
          newest,
          `client ${id}: extrato lists the newest 10, newest first`,
        );
      }
    });

    test('sequential transactions appear newest first, at most 10', async () => {
      for (let i = 0; i < 12; i++)
        assert.equal(
          (
            await client.post('/clientes/3/transacoes', {
              valor: i + 1,
              tipo: 'c',
              descricao: `seq${i}`,
            })
          ).status,
          200,
        );
      const e = (await client.get('/clientes/3/extrato')).json<{
        ultimas_transacoes: { descricao: string; valor: number }[];
      }>();
      assert.deepEqual(
        e.ultimas_transacoes.map((t) => t.descricao),
        ['seq11', 'seq10', 'seq9', 'seq8', 'seq7', 'seq6', 'seq5', 'seq4', 'seq3', 'seq2'],
      );
    });

    test('property: invalid payloads and paths get 4xx and change nothing', async () => {
      const before = await readLedger(s);
      const invalid = fc
        .oneof(
          fc.string(),
          fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
          fc
            .record({
              valor: fc.oneof(fc.double(), fc.integer({ max: 0 }), fc.string(), fc.constant(null)),
              tipo: fc.constantFrom('c', 'd'),
              descricao: fc.constant('ok'),
            })
            .map((v) => JSON.stringify(v)),
          fc
            .record({
              valor: fc.integer({ min: 1, max: 100 }),
              tipo: fc.string().filter((t) => t !== 'c' && t !== 'd'),
              descricao: fc.constant('ok'),
            })
            .map((v) => JSON.stringify(v)),
          fc
            .record({
              valor: fc.integer({ min: 1, max: 100 }),
              tipo: fc.constant('c'),
              descricao: fc.oneof(
                fc.string({ minLength: 11 }),
                fc.constant(''),
                fc.constant(null),
                fc.integer(),
              ),
            })
            .map((v) => JSON.stringify(v)),
        )
        .filter((raw) => {
          try {
            const v = JSON.parse(raw) as { valor?: unknown; tipo?: unknown; descricao?: unknown };
            const valid =
              typeof v === 'object' &&
              v !== null &&
              Number.isSafeInteger(v.valor) &&
              (v.valor as number) > 0 &&
              (v.tipo === 'c' || v.tipo === 'd') &&
              typeof v.descricao === 'string' &&
              [...v.descricao].length >= 1 &&
              [...v.descricao].length <= 10;
            return !valid;
          } catch {
            return true;
          }
        });
      const samples = fc.sample(invalid, { numRuns: 300, seed: 42 });
      const replies = await Promise.all(
        samples.map((raw, i) => client.post(`/clientes/${1 + (i % 5)}/transacoes`, raw)),
      );
      replies.forEach((r, i) =>
        assert.ok(r.status === 422 || r.status === 400, `${samples[i]} -> ${r.status}`),
      );
      for (const p of [
        '/clientes/6/transacoes',
        '/clientes/abc/extrato',
        '/clientes//extrato',
        '/clientes/1/outra',
        '/x',
      ]) {
        assert.equal(
          (await client.post(p, { valor: 1, tipo: 'c', descricao: 'x' })).status,
          404,
          p,
        );
      }
      assert.equal((await client.get('/clientes/6/extrato')).status, 404);
      assert.equal((await client.get('/clientes/0/extrato')).status, 404);
      const afterLedger = await readLedger(s);
      assert.deepEqual(afterLedger.balances, before.balances);
      assert.equal(afterLedger.rows.length, before.rows.length);
    });
  });
}
