import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  MAX_VALOR,
  parseTransaction,
  validateTransaction,
} from '../../src/crebito/core/transaction.js';

const ok = (body: unknown) => validateTransaction(body);
const base = { valor: 1000, tipo: 'c', descricao: 'descricao' };

test('accepts the contract example and the boundaries', () => {
  assert.deepEqual(ok(base), { ok: true, value: base });
  assert.equal(ok({ ...base, valor: 1 }).ok, true);
  assert.equal(ok({ ...base, valor: MAX_VALOR }).ok, true);
  assert.equal(ok({ ...base, tipo: 'd' }).ok, true);
  assert.equal(ok({ ...base, descricao: 'a' }).ok, true);
  assert.equal(ok({ ...base, descricao: '1234567890' }).ok, true);
  assert.equal(
    ok({ ...base, descricao: 'ááááááááá😀' }).ok,
    true,
    '10 code points, 11 UTF-16 units',
  );
});

test('rejects every invalid valor of the contract', () => {
  for (const valor of [1.2, '1', 0, -1, undefined, null, true, [], {}, MAX_VALOR + 1, Infinity]) {
    const r = ok({ ...base, valor });
    assert.equal(r.ok, false, `valor ${JSON.stringify(valor)} must be refused`);
  }
  const { valor: _, ...missing } = base;
  assert.equal(ok(missing).ok, false);
});

test('rejects every invalid tipo', () => {
  for (const tipo of ['x', 'C', 'D', '', 'cd', null, 1, undefined])
    assert.equal(ok({ ...base, tipo }).ok, false, `tipo ${String(tipo)}`);
});

test('rejects every invalid descricao', () => {
  for (const descricao of [
    '',
    null,
    '12345678901',
    '123456789 e mais um pouco',
    1,
    undefined,
    ['a'],
  ]) {
    assert.equal(ok({ ...base, descricao }).ok, false, `descricao ${JSON.stringify(descricao)}`);
  }
  const { descricao: _, ...missing } = base;
  assert.equal(ok(missing).ok, false);
});

test('rejects malformed JSON and non-objects with a message', () => {
  for (const raw of ['', '{', '{"valor":1,', 'null', '[]', '"x"', '1', 'valor=1']) {
    const r = parseTransaction(raw);
    assert.equal(r.ok, false, raw);
    if (!r.ok) assert.match(r.error, /\w/);
  }
  assert.equal(parseTransaction('{"valor":1,"tipo":"d","descricao":"x"}').ok, true);
});

test('property: any JSON value is classified without throwing, and only valid ones pass', () => {
  fc.assert(
    fc.property(fc.jsonValue(), (v) => {
      const r = parseTransaction(JSON.stringify(v) ?? 'null');
      if (r.ok) {
        assert.ok(Number.isSafeInteger(r.value.valor) && r.value.valor > 0);
        assert.ok(r.value.tipo === 'c' || r.value.tipo === 'd');
        assert.ok([...r.value.descricao].length >= 1 && [...r.value.descricao].length <= 10);
      }
    }),
    { numRuns: 2000 },
  );
});

test('property: arbitrary strings never throw', () => {
  fc.assert(
    fc.property(fc.string(), (s) => void parseTransaction(s)),
    { numRuns: 2000 },
  );
});
