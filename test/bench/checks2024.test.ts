// The 2024 checks fine what the official results script fines: a ConsistenciaSaldoLimite failure
// or a failed `saldo.total` check, each only when it is the first check of its request to fail.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  extratoCheck,
  initialExtratoCheck,
  orderCheck,
  readYourWritesCheck,
  totalIs,
  transactionCheck,
  type CheckResult,
} from '../../src/bench/core/checks2024.js';

const kind = (r: CheckResult) => (r.ok ? 'ok' : r.inconsistent ? 'inconsistent' : 'ko');
const entry = (descricao: string, tipo: string, valor = 1) => ({ descricao, tipo, valor });
const extrato = (total: number, limite: number, entries: unknown[] = []) => ({
  saldo: { total, limite, data_extrato: '2024-01-01T00:00:00Z' },
  ultimas_transacoes: entries,
});

test('transactions and load extratos: saldo below -limite is an inconsistency, a missing limite a KO', () => {
  const cases: [unknown, string][] = [
    [{ saldo: -100, limite: 100 }, 'ok'],
    [{ saldo: -101, limite: 100 }, 'inconsistent'],
    [{ saldo: 'x', limite: 100 }, 'inconsistent'],
    [{ saldo: 5 }, 'ko'],
    [undefined, 'ko'],
  ];
  for (const [j, want] of cases)
    assert.equal(kind(transactionCheck(j as never)), want, JSON.stringify(j));
  assert.equal(kind(extratoCheck(extrato(-100, 100))), 'ok');
  assert.equal(kind(extratoCheck(extrato(-101, 100))), 'inconsistent');
  assert.equal(kind(extratoCheck({ saldo: { total: 1 } })), 'ko');
});

test("client 1's sums and a client's first extrato: a wrong saldo.total is fined, a wrong limite is not", () => {
  assert.equal(kind(totalIs(-25)(extrato(-25, 100000))), 'ok');
  assert.equal(kind(totalIs(-25)(extrato(-24, 100000))), 'inconsistent');
  assert.equal(kind(initialExtratoCheck(80000)(extrato(0, 80000))), 'ok');
  assert.equal(kind(initialExtratoCheck(80000)(extrato(-9000, 80000))), 'inconsistent');
  assert.equal(kind(initialExtratoCheck(80000)(extrato(-9000, 1))), 'ko', 'limite fails first');
});

test('the order of "devolve" and "toma" is a KO, never a fine (no saldo check in it)', () => {
  const good = extrato(0, 1000, [entry('devolve', 'd'), entry('toma', 'c')]);
  assert.equal(kind(orderCheck(good)), 'ok');
  const raced = extrato(-5000, 1000, [entry('x1y2z3', 'd', 5000), entry('devolve', 'd')]);
  assert.equal(kind(orderCheck(raced)), 'ko');
});

test('after "danada": another newest entry is a KO; the entry with a stale total is fined', () => {
  const credit = { saldo: 1, limite: 1000 };
  const danada = entry('danada', 'c');
  assert.equal(kind(readYourWritesCheck(credit)(extrato(1, 1000, [danada]))), 'ok');
  assert.equal(kind(readYourWritesCheck(credit)(extrato(0, 1000, [danada]))), 'inconsistent');
  const later = extrato(-4999, 1000, [entry('abc', 'd', 5000), danada]);
  assert.equal(kind(readYourWritesCheck(credit)(later)), 'ko');
  assert.equal(kind(readYourWritesCheck(credit)(extrato(1, 999, [danada]))), 'ko');
});
