// Hostile input against the Crébito stack, through nginx and straight to an instance's socket:
// thousands of generated requests (fast-check, full Unicode and raw bytes), slow clients among
// them. After it the same instances are alive, the ledger holds exactly the transactions that
// were answered 200 and nothing else, and the official validation phase passes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import net from 'node:net';
import { readLedger, officialValidation, startStack, LIMITS } from '../helpers/crebito.js';
import { once } from '../helpers/http.js';
import { rawExchange, request, type RawTarget } from '../helpers/raw.js';
import { fire, hostileCases } from './cases.js';
import { hasControlCharacter } from '../../src/shared/text.js';
import type { CrebitoStack } from '../../src/crebito/stack.js';

const REAL = [
  '/clientes/1/transacoes',
  '/clientes/2/transacoes',
  '/clientes/5/transacoes',
  '/clientes/1/extrato',
  '/clientes/3/extrato',
  '/clientes/6/extrato',
];
const SHAPES = [
  { valor: 100, tipo: 'c', descricao: 'hostil' },
  { valor: 50, tipo: 'd', descricao: 'x' },
];
const CASES = 5_000;
const VALID = 400;
const FORBIDDEN = new Set([500, 502, 503, 504]);

for (const [store, port] of [
  ['sqlite', 19983],
  ['postgres', 19984],
] as const)
  describe(`hostile input, Crébito on ${store}`, () => {
    let s: CrebitoStack;
    before(async () => {
      s = await startStack(store, port);
    });
    after(async () => {
      await s?.stop();
    });

    test(`${CASES} hostile requests and ${VALID} valid ones: nothing crashes, nothing changes but what was answered 200`, async () => {
      const pids = s.stack.services.map((x) => x.pid);
      const sockets = s.stack.services
        .filter((x) => x.spec.name.startsWith('api'))
        .map((x) => x.spec.args[x.spec.args.indexOf('--socket') + 1]!);
      const hostile = fc.sample(hostileCases(REAL, SHAPES), {
        numRuns: CASES,
        seed: store === 'sqlite' ? 1 : 2,
      });
      const valid = Array.from({ length: VALID }, (_, i) => {
        const client = 1 + (i % 5);
        const descricao = `v${i}`;
        const body = JSON.stringify({
          valor: 1 + (i % 97),
          tipo: i % 2 === 0 ? 'c' : 'd',
          descricao,
        });
        return {
          bytes: Buffer.from(
            request('POST', `/clientes/${client}/transacoes`, body, [
              'content-type: application/json',
            ]),
          ),
          label: `valid ${descricao}`,
          descricao,
        };
      });
      const all = [...hostile, ...valid].sort(() => 0.5 - Math.random());
      const results = await fire(all, 32, async (c) => {
        // One in five straight to an instance, past nginx's own checks.
        const i = Math.floor(Math.random() * 10);
        const target: RawTarget = i < 2 ? { socketPath: sockets[i]! } : { port: s.port };
        const a = await rawExchange(target, c.bytes);
        if (FORBIDDEN.has(a.status))
          assert.fail(`${c.label} → ${a.status}: ${a.text.slice(0, 300)}`);
        (c as { answer?: string }).answer = a.text;
        return a.status;
      });
      assert.equal(results.length, all.length);
      assert.deepEqual(
        s.stack.services.map((x) => x.pid),
        pids,
        'the same processes',
      );
      assert.ok(
        s.stack.services.every((x) => x.running),
        'all still running',
      );
      // Exactly the answered transactions are in the ledger.
      const applied = results.filter(
        (r) =>
          r.status === 200 && /\r\n\r\n\{"limite":/.test((r.c as { answer?: string }).answer ?? ''),
      );
      const { balances, rows } = await readLedger(s);
      assert.equal(rows.length, applied.length, 'one row per transaction answered 200');
      const sums = new Map<number, bigint>();
      for (const r of rows)
        sums.set(
          r.cliente_id,
          (sums.get(r.cliente_id) ?? 0n) + (r.tipo === 'c' ? BigInt(r.valor) : -BigInt(r.valor)),
        );
      for (const [id, b] of balances) {
        assert.equal(b, sums.get(id) ?? 0n, `client ${id}: balance is the sum of its rows`);
        assert.ok(b >= -BigInt(LIMITS[id]!), `client ${id} within its limit`);
      }
      const answeredValid = results
        .filter((r) => 'descricao' in r.c && r.status === 200)
        .map((r) => (r.c as unknown as { descricao: string }).descricao);
      const stored = new Set(rows.map((r) => r.descricao));
      for (const d of answeredValid) assert.ok(stored.has(d), `valid transaction ${d} stored`);
      for (const r of rows)
        assert.ok(!hasControlCharacter(r.descricao), 'no control character stored');
      // Back to the seed balances, through the API, then the official validation phase.
      const origin = `http://127.0.0.1:${s.port}`;
      for (const [id, b] of balances)
        if (b !== 0n) {
          const r = await once(origin, 'POST', `/clientes/${id}/transacoes`, {
            valor: Number(b < 0n ? -b : b),
            tipo: b < 0n ? 'c' : 'd',
            descricao: 'zerar',
          });
          assert.equal(r.status, 200, r.body);
        }
      await officialValidation(origin);
    });

    test('slow clients (a head or a body a byte at a time) are cut off; the others are served meanwhile', async () => {
      const slow = Array.from({ length: 20 }, (_, i) => {
        const c = net.connect(s.port, '127.0.0.1');
        c.on('error', () => {});
        const text =
          i % 2 === 0
            ? 'GET /clientes/1/extrato HTTP/1.1\r\nhost: x\r\nx-slow: '
            : `POST /clientes/1/transacoes HTTP/1.1\r\nhost: x\r\ncontent-length: 200\r\n\r\n{"valor":1,`;
        let k = 0;
        const drip = setInterval(() => {
          if (c.writable && k < text.length) c.write(text[k++]!);
          else if (c.writable) c.write(i % 2 === 0 ? 'a' : ' ');
        }, 200);
        const closed = new Promise<void>((r) => c.once('close', () => r()));
        return { c, drip, closed };
      });
      try {
        // Served while the slow ones hang on.
        for (let i = 0; i < 20; i++)
          assert.equal(
            (await once(`http://127.0.0.1:${s.port}`, 'GET', '/clientes/1/extrato')).status,
            200,
          );
        // Slow heads: nginx's client_header_timeout (10 s) closes them.
        const heads = slow.filter((_, i) => i % 2 === 0);
        const cut = await Promise.race([
          Promise.all(heads.map((x) => x.closed)).then(() => true),
          new Promise<boolean>((r) => setTimeout(() => r(false), 14_000)),
        ]);
        assert.ok(cut, 'slow heads closed within 14 s');
      } finally {
        for (const x of slow) {
          clearInterval(x.drip);
          x.c.destroy();
        }
      }
    });
  });
