// The shared rules for untrusted text and instants: every system reads them the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseInstant, rangeBound } from '../../src/shared/instant.js';
import { parseJsonObject } from '../../src/shared/json.js';
import { decodeUtf8, hasControlCharacter, hasLoneSurrogate } from '../../src/shared/text.js';
import { parseTransaction } from '../../src/crebito/core/transaction.js';
import { validateReading } from '../../src/payments/core/reading.js';

test('instants: Z and offsets, fractions, minutes-only', () => {
  const at = (s: string) => parseInstant(s)?.ms;
  assert.equal(at('2020-07-10T12:34:56.000Z'), Date.UTC(2020, 6, 10, 12, 34, 56));
  assert.equal(at('2020-07-10T12:34:56Z'), Date.UTC(2020, 6, 10, 12, 34, 56));
  assert.equal(at('2020-07-10T12:34Z'), Date.UTC(2020, 6, 10, 12, 34));
  assert.equal(at('2020-07-10T09:34:56.5-03:00'), Date.UTC(2020, 6, 10, 12, 34, 56, 500));
  assert.equal(at('2020-07-10T14:34:56+0200'), Date.UTC(2020, 6, 10, 12, 34, 56));
  assert.equal(at('2024-02-29T00:00:00Z'), Date.UTC(2024, 1, 29), 'a leap day');
});

test('instants: impossible dates, missing offsets and garbage are refused, never guessed', () => {
  for (const bad of [
    '2025-02-30T00:00:00Z',
    '2025-02-29T00:00:00Z',
    '2025-13-01T00:00:00Z',
    '2025-04-31T00:00:00Z',
    '2025-01-01T24:00:00Z',
    '2025-01-01T23:60:00Z',
    '2025-01-01T23:59:60Z',
    '2025-01-01T12:00:00',
    '2025-01-01',
    '2025-01-01T12:00:00+25:00',
    '1969-12-31T23:59:59Z',
    ' 2025-01-01T12:00:00Z',
    '2025-01-01T12:00:00.Z',
    '',
  ])
    assert.equal(parseInstant(bad), undefined, bad);
});

test('instants: sub-millisecond bounds keep the range exact on millisecond instants', () => {
  const t = Date.UTC(2025, 0, 1, 0, 0, 0, 123);
  assert.equal(rangeBound('2025-01-01T00:00:00.123400Z', 'from'), t + 1);
  assert.equal(rangeBound('2025-01-01T00:00:00.123400Z', 'to'), t);
  assert.equal(rangeBound('2025-01-01T00:00:00.123000Z', 'from'), t);
});

test('instants: any string parses to a finite instant or to nothing, never throws', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'binary' }), (s) => {
      const i = parseInstant(s);
      assert.ok(i === undefined || Number.isFinite(i.ms));
    }),
    { numRuns: 2_000 },
  );
});

test('text: control characters and lone surrogates are found', () => {
  for (const s of ['a\u0000b', '\t', '\n', '\u007f', '\u0085', '\u009f'])
    assert.equal(hasControlCharacter(s), true);
  for (const s of ['abc', 'ção', '😀', '\u00a0']) assert.equal(hasControlCharacter(s), false);
  for (const s of ['\ud800', 'a\udc00', '\ud83d', '\udc00\ud800'])
    assert.equal(hasLoneSurrogate(s), true);
  for (const s of ['😀', 'abc', '\ud83d\ude00x']) assert.equal(hasLoneSurrogate(s), false);
});

test('text: invalid UTF-8 is refused, not turned into U+FFFD', () => {
  assert.equal(decodeUtf8(Buffer.from([0x61, 0xed, 0xa0, 0x80])), undefined, 'a CESU-8 surrogate');
  assert.equal(decodeUtf8(Buffer.from([0xff])), undefined);
  assert.equal(decodeUtf8(Buffer.from('ção', 'utf8')), 'ção');
  assert.equal(parseJsonObject(Buffer.from([0x7b, 0xff, 0x7d])).ok, false);
});

test('descricao: NUL, other controls, lone surrogates and invalid UTF-8 are invalid on every store', () => {
  const body = (d: string) => JSON.stringify({ valor: 1, tipo: 'c', descricao: d });
  for (const d of ['a\u0000', 'x\ty', '\u0007', '\ud800', 'ab\udfff'])
    assert.equal(parseTransaction(body(d)).ok, false, JSON.stringify(d));
  const raw = Buffer.concat([
    Buffer.from('{"valor":1,"tipo":"c","descricao":"'),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from('"}'),
  ]);
  assert.equal(parseTransaction(raw).ok, false, 'raw invalid UTF-8');
  assert.equal(parseTransaction(body('😀ção')).ok, true);
});

test('shared health readings: well formed, not from the future, not ancient', () => {
  const now = 1_750_000_000_000;
  const ok = { name: 'default', health: { failing: true, minResponseTimeMs: 100, atMs: now - 10 } };
  assert.equal(validateReading(ok, now).ok, true);
  const bad: unknown[] = [
    { ...ok, name: 'other' },
    { ...ok, health: { ...ok.health, atMs: 1e15 } },
    { ...ok, health: { ...ok.health, atMs: now - 3_600_000 } },
    { ...ok, health: { ...ok.health, failing: 'yes' } },
    { ...ok, health: { ...ok.health, minResponseTimeMs: -1 } },
    { ...ok, health: { ...ok.health, minResponseTimeMs: 1.5 } },
    { ...ok, health: null },
  ];
  for (const b of bad)
    assert.equal(validateReading(b as Record<string, unknown>, now).ok, false, JSON.stringify(b));
});
