import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parsePaymentRequest } from '../../src/payments/core/payment.js';
import {
  classifyLookup,
  classifyPayment,
  maySendTo,
  type PaymentOutcome,
  type Reply,
} from '../../src/payments/core/outcome.js';

test('POST /payments validation', () => {
  assert.deepEqual(
    parsePaymentRequest('{"correlationId":"4A7901B8-7D26-4D9D-AA19-4DC1C7CF60B3","amount":19.90}'),
    {
      ok: true,
      value: { correlationId: '4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3', cents: 1990 },
    },
  );
  for (const [raw, msg] of [
    ['', /malformed/],
    ['[]', /object/],
    ['{"amount":1}', /correlationId is required/],
    ['{"correlationId":"x","amount":1}', /UUID/],
    ['{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3"}', /amount is required/],
    ['{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":"1"}', /number/],
    ['{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":0}', /greater than/],
    ['{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":-5}', /greater than/],
    ['{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":0.004}', /greater than/],
    ['{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":1e12}', /at most/],
  ] as const) {
    const r = parsePaymentRequest(raw);
    assert.equal(r.ok, false, raw);
    if (!r.ok) assert.match(r.error, msg);
  }
});

test('property: any input is classified without throwing', () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string(),
        fc.jsonValue().map((v) => JSON.stringify(v) ?? ''),
      ),
      (raw) => void parsePaymentRequest(raw),
    ),
    { numRuns: 2000 },
  );
});

test('outcome classification, table-driven', () => {
  const table: [Reply, PaymentOutcome][] = [
    [{ kind: 'answer', status: 200 }, 'stored'],
    [{ kind: 'answer', status: 422 }, 'already_stored'],
    [{ kind: 'answer', status: 500 }, 'not_stored'],
    [{ kind: 'answer', status: 502 }, 'not_stored'],
    [{ kind: 'answer', status: 503 }, 'not_stored'],
    [{ kind: 'answer', status: 429 }, 'not_stored'],
    [{ kind: 'answer', status: 400 }, 'rejected'],
    [{ kind: 'answer', status: 404 }, 'not_stored'],
    [{ kind: 'timeout' }, 'unknown'],
    [{ kind: 'connection', sent: true }, 'unknown'],
    [{ kind: 'connection', sent: false }, 'not_stored'],
  ];
  for (const [reply, expected] of table)
    assert.equal(classifyPayment(reply), expected, JSON.stringify(reply));
});

test('lookup classification and the never-elsewhere rule for unknown payments', () => {
  assert.equal(classifyLookup({ kind: 'answer', status: 200 }), 'stored');
  assert.equal(classifyLookup({ kind: 'answer', status: 404 }), 'absent');
  assert.equal(classifyLookup({ kind: 'answer', status: 500 }), 'unknown');
  assert.equal(classifyLookup({ kind: 'answer', status: 429 }), 'unknown');
  assert.equal(classifyLookup({ kind: 'timeout' }), 'unknown');
  assert.equal(maySendTo({}, 'fallback'), true);
  assert.equal(maySendTo({ unknownAt: 'default' }, 'default'), true);
  assert.equal(maySendTo({ unknownAt: 'default' }, 'fallback'), false);
  assert.equal(maySendTo({ unknownAt: 'fallback' }, 'default'), false);
});
