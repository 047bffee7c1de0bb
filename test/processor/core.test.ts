import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatCents,
  formatCentsTimes,
  formatRatio,
  parseDecimal,
  toCents,
} from '../../src/shared/money.js';
import { PaymentLedger } from '../../src/shared/payment-ledger.js';
import { ConcurrencyLimiter } from '../../src/processor/core/limiters.js';
import { parsePayment } from '../../src/processor/core/payment.js';

test('amounts round to cents half to even, as .NET decimal.Round does', () => {
  assert.equal(toCents(19.9), 1990n);
  assert.equal(toCents(19.9), 1990n);
  assert.equal(toCents(0.125), 12n);
  assert.equal(toCents(0.135), 14n);
  assert.equal(toCents(1.005), 100n);
  assert.equal(toCents(1.0051), 101n);
  assert.equal(toCents(2.675), 268n, 'on the written decimal, not the binary double 2.67499…');
  assert.equal(toCents(0), 0n);
  assert.equal(toCents(1e21), undefined);
  assert.equal(toCents(NaN), undefined);
});

test('fees and totals print exactly', () => {
  const fee = parseDecimal('0.05');
  assert.equal(formatRatio(fee), '0.05');
  assert.equal(formatCentsTimes(1990n, fee), '0.9950');
  assert.equal(formatCentsTimes(1990n * 1000n, parseDecimal('0.15')), '2985.0000');
  assert.equal(formatCents(1990n), '19.90');
  assert.equal(formatCents(5n), '0.05');
  assert.equal(formatCents(0n), '0.00');
  assert.throws(() => parseDecimal('-0.05'));
  assert.throws(() => parseDecimal('abc'));
});

test('ledger: duplicates refused, summary inclusive at both bounds, purge', () => {
  const l = new PaymentLedger();
  const t0 = Date.parse('2025-07-15T12:00:00.000Z');
  assert.equal(l.add('a', 1990, t0), 'stored');
  assert.equal(l.add('a', 1990, t0 + 5), 'duplicate');
  assert.equal(l.add('b', 1000, t0 + 999), 'stored');
  assert.equal(l.add('c', 500, t0 + 1000), 'stored');
  assert.equal(l.add('d', 1, t0 - 3000), 'stored', 'out of order');
  assert.deepEqual(l.summary(), { count: 4, cents: 3491 });
  assert.deepEqual(l.summary(t0, t0 + 1000), { count: 3, cents: 3490 });
  assert.deepEqual(l.summary(t0 + 1, t0 + 999), { count: 1, cents: 1000 });
  assert.deepEqual(l.summary(t0 + 1000, t0 + 1000), { count: 1, cents: 500 });
  assert.deepEqual(l.summary(t0 - 3000, t0 - 3000), { count: 1, cents: 1 });
  assert.deepEqual(l.summary(t0 + 2, t0 + 1), { count: 0, cents: 0 });
  assert.deepEqual(
    l.summary(t0, undefined),
    { count: 3, cents: 3490 },
    'a missing bound is unbounded on its side',
  );
  assert.deepEqual(l.summary(undefined, t0), { count: 2, cents: 1991 });
  l.purge();
  assert.deepEqual(l.summary(), { count: 0, cents: 0 });
  assert.equal(l.get('a'), undefined);
});

test('ledger: summaries agree with a brute-force count over random payments', () => {
  const l = new PaymentLedger();
  const all: [number, number][] = [];
  let seed = 7;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const base = 1_750_000_000_000;
  for (let i = 0; i < 5000; i++) {
    const at = base + Math.floor(rnd() * 60_000);
    const cents = 1 + Math.floor(rnd() * 5000);
    l.add(`p${i}`, cents, at);
    all.push([at, cents]);
  }
  for (let k = 0; k < 200; k++) {
    const a = base + Math.floor(rnd() * 62_000) - 1000;
    const b = a + Math.floor(rnd() * 20_000);
    const expect = all.filter(([at]) => at >= a && at <= b);
    assert.deepEqual(l.summary(a, b), {
      count: expect.length,
      cents: expect.reduce((s, [, c]) => s + c, 0),
    });
  }
});

test('ledger: the cap on stored payments is explicit', () => {
  const l = new PaymentLedger(2);
  assert.equal(l.add('a', 1, 0), 'stored');
  assert.equal(l.add('b', 1, 0), 'stored');
  assert.equal(l.add('c', 1, 0), 'full');
  assert.throws(() => new PaymentLedger(0));
});

test('concurrency limiter: in progress, then oldest-first waiting, then refused', () => {
  const lim = new ConcurrencyLimiter(2, 2);
  const started: number[] = [];
  for (let i = 0; i < 4; i++)
    assert.equal(
      lim.admit(() => started.push(i)),
      true,
    );
  assert.deepEqual(started, [0, 1]);
  assert.equal(lim.queued, 2);
  assert.equal(
    lim.admit(() => started.push(99)),
    false,
    'beyond in-progress + waiting: refused',
  );
  lim.release();
  assert.deepEqual(started, [0, 1, 2]);
  lim.release();
  lim.release();
  lim.release();
  assert.deepEqual(started, [0, 1, 2, 3]);
  assert.equal(lim.inProgress, 0);
});

test('payment validation', () => {
  const ok = parsePayment(
    '{"correlationId":"4A7901B8-7D26-4D9D-AA19-4DC1C7CF60B3","amount":19.9,"requestedAt":"2025-07-15T12:34:56.000Z"}',
  );
  assert.deepEqual(ok, {
    ok: true,
    value: {
      correlationId: '4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3',
      cents: 1990,
      at: Date.parse('2025-07-15T12:34:56.000Z'),
    },
  });
  for (const bad of [
    '',
    '{',
    '[]',
    '{"correlationId":"nope","amount":1,"requestedAt":"2025-07-15T12:34:56.000Z"}',
    '{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":"1","requestedAt":"2025-07-15T12:34:56.000Z"}',
    '{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":-1,"requestedAt":"2025-07-15T12:34:56.000Z"}',
    '{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":1,"requestedAt":"yesterday"}',
    '{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":1}',
  ]) {
    const r = parsePayment(bad);
    assert.equal(r.ok, false, bad);
  }
});
