// Stream entries back into payments: the accept time comes from the entry id, a noted attempt
// pins the payment to that processor with that requestedAt, garbage is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toPending } from '../../src/payments/store/durable-log.js';

const ID = '4f2d9c1e-7a3b-4c8d-9e0f-1a2b3c4d5e6f';

test('an entry never sent is routed afresh', () => {
  assert.deepEqual(toPending('1700000000123-4', `${ID}:1990`, null), {
    correlationId: ID,
    cents: 1990,
    acceptedAtMs: 1700000000123,
    journalId: '1700000000123-4',
  });
});

test('an entry with a noted attempt is pinned there with the same requestedAt', () => {
  const p = toPending('1700000000123-0', `${ID}:5`, 'fallback|2025-07-15T12:00:00.000Z');
  assert.equal(p?.unknownAt, 'fallback');
  assert.equal(p?.requestedAt, '2025-07-15T12:00:00.000Z');
});

test('malformed entries are refused, not turned into payments', () => {
  for (const f of ['', ':12', `${ID}:`, `${ID}:1.5`, `${ID}:abc`, ID])
    assert.equal(toPending('1-0', f, null), undefined, JSON.stringify(f));
});

test('an attempt naming no processor is refused', () => {
  assert.equal(toPending('1-0', `${ID}:5`, 'elsewhere|2025-07-15T12:00:00.000Z'), undefined);
});
