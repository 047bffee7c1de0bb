import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderStatement, renderTransactionResult } from '../../src/crebito/core/statement.js';
import { ClientDirectory, SEED_CLIENTS } from '../../src/crebito/core/clients.js';

test('renders the extrato shape of the contract', () => {
  const now = new Date('2024-01-17T02:34:41.217Z');
  const json = JSON.parse(
    renderStatement(
      {
        balance: -9098n,
        entries: [
          {
            valor: 10n,
            tipo: 'c',
            descricao: 'a "quoted"',
            realizadaEm: '2024-01-17T02:34:38.543030Z',
          },
        ],
      },
      100000n,
      now,
    ),
  );
  assert.deepEqual(json, {
    saldo: { total: -9098, data_extrato: '2024-01-17T02:34:41.217Z', limite: 100000 },
    ultimas_transacoes: [
      {
        valor: 10,
        tipo: 'c',
        descricao: 'a "quoted"',
        realizada_em: '2024-01-17T02:34:38.543030Z',
      },
    ],
  });
  assert.deepEqual(
    JSON.parse(renderStatement({ balance: 0n, entries: [] }, 5n, now)).ultimas_transacoes,
    [],
  );
});

test('renders the transaction result with exact big integers', () => {
  assert.equal(renderTransactionResult(-25n, 100000n), '{"limite":100000,"saldo":-25}');
  assert.equal(
    renderTransactionResult(18014398509481982n, 0n),
    '{"limite":0,"saldo":18014398509481982}',
  );
});

test('client directory resolves digits only and only known ids', () => {
  const d = new ClientDirectory(SEED_CLIENTS);
  assert.equal(d.size, 5);
  assert.equal(d.lookup('1')?.limit, 100000n);
  assert.equal(d.lookup('5')?.limit, 500000n);
  for (const bad of ['6', '0', '-1', 'a', '1a', '', '1.0', ' 1', '99999999999', '01x'])
    assert.equal(d.lookup(bad), undefined, bad);
  assert.equal(d.lookup('01')?.id, 1, 'leading zeros name the same client');
  assert.throws(() => new ClientDirectory([{ id: 0, limit: 1n }]));
  assert.throws(() => new ClientDirectory([{ id: 1, limit: -1n }]));
});
