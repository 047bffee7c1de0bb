import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyTransaction,
  INT64_MAX,
  isWithinLimit,
  signedAmount,
} from '../../src/crebito/core/ledger.js';

test('credits always apply', () => {
  assert.deepEqual(applyTransaction(0n, 1000n, 'c', 500), { applied: true, balance: 500n });
  assert.deepEqual(applyTransaction(-1000n, 1000n, 'c', 1), { applied: true, balance: -999n });
});

test('a debit may take the balance exactly to -limite, never below', () => {
  assert.deepEqual(applyTransaction(0n, 1000n, 'd', 1000), { applied: true, balance: -1000n });
  assert.deepEqual(applyTransaction(0n, 1000n, 'd', 1001), {
    applied: false,
    reason: 'insufficient_limit',
  });
  assert.deepEqual(applyTransaction(-1000n, 1000n, 'd', 1), {
    applied: false,
    reason: 'insufficient_limit',
  });
  assert.deepEqual(applyTransaction(500n, 0n, 'd', 500), { applied: true, balance: 0n });
});

test('25 debits of 1 from 0 end at -25; 25 credits bring it back to 0', () => {
  let b = 0n;
  for (let i = 0; i < 25; i++) {
    const r = applyTransaction(b, 100000n, 'd', 1);
    assert.ok(r.applied);
    b = r.balance;
  }
  assert.equal(b, -25n);
  for (let i = 0; i < 25; i++) {
    const r = applyTransaction(b, 100000n, 'c', 1);
    assert.ok(r.applied);
    b = r.balance;
  }
  assert.equal(b, 0n);
});

test('balances stay exact beyond 2^53 and refuse int64 overflow', () => {
  const big = Number.MAX_SAFE_INTEGER;
  const r = applyTransaction(BigInt(big), 0n, 'c', big);
  assert.deepEqual(r, { applied: true, balance: 2n * BigInt(big) });
  assert.deepEqual(applyTransaction(INT64_MAX - 1n, 0n, 'c', 2), {
    applied: false,
    reason: 'balance_overflow',
  });
  assert.deepEqual(applyTransaction(INT64_MAX - 1n, 0n, 'c', 1), {
    applied: true,
    balance: INT64_MAX,
  });
});

test('signed amounts and the invariant', () => {
  assert.equal(signedAmount('c', 7), 7n);
  assert.equal(signedAmount('d', 7), -7n);
  assert.equal(isWithinLimit(-100n, 100n), true);
  assert.equal(isWithinLimit(-101n, 100n), false);
});
