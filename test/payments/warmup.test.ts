// What a Payments instance and its balancer send before ready: the balancer's list must never
// carry an acceptable payment (it would reach a processor), and every expectation must be what
// the route's own rules answer, or the warm-up would refuse to start the stack.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePaymentRequest } from '../../src/payments/core/payment.js';
import { parseRange } from '../../src/payments/http/range.js';
import {
  paymentsReadOnlyWarmRequests,
  paymentsWarmRequests,
  rehearsalDoor,
  WARM_PAYMENTS_PER_ROUND,
} from '../../src/payments/http/warmup.js';

function ruledStatus(r: { method: string; path: string; body?: string }): number {
  if (r.method === 'POST' && r.path === '/payments')
    return parsePaymentRequest(r.body ?? '').ok ? 202 : 400;
  if (r.method === 'GET' && r.path.startsWith('/payments-summary'))
    return parseRange(r.path.split('?')[1] ?? '').ok ? 200 : 400;
  return 404;
}

test('each warm request expects what the validation rules answer', () => {
  for (const r of paymentsWarmRequests()) assert.equal(r.expect, ruledStatus(r), r.body ?? r.path);
});

test('the balancer warm-up carries no acceptable payment', () => {
  for (const r of paymentsReadOnlyWarmRequests())
    if (r.method === 'POST') assert.equal(ruledStatus(r), 400, r.body);
});

test('the instance warm-up rehearses valid, distinct payments', () => {
  const ids = paymentsWarmRequests()
    .filter((r) => r.expect === 202)
    .map((r) => JSON.parse(r.body!).correlationId as string);
  assert.equal(ids.length, WARM_PAYMENTS_PER_ROUND);
  assert.equal(new Set(ids).size, ids.length);
});

test('the rehearsal door accepts and counts, keeping nothing', async () => {
  const door = rehearsalDoor();
  assert.equal(await door.accept('00000000-0000-4000-8000-000000000001', 100), 'accepted');
  assert.equal(await door.accept('00000000-0000-4000-8000-000000000001', 100), 'accepted');
  assert.equal(door.seen(), 2);
});
