// What a Payments instance serves before it is ready (http/warmup.ts): every public path, and
// none that leaves a trace. Valid payments go to a rehearsal door that keeps nothing (no queue,
// no processor, no record), so the route's parse-validate-202 path is compiled before the first
// real payment; invalid bodies and ranges take the 400 paths; summaries read the real records
// (empty at start, a read either way). Through the balancer the stack sends only the requests
// that change nothing without a rehearsal door (summaries, invalid bodies).
import type { WarmRequest } from '../../http/warmup.js';
import type { PaymentDoor } from '../engine/door.js';

/** Times the list is sent: as many as Crébito's (crebito/http/warmup.ts; BENCHMARKS). */
export const PAYMENTS_WARMUP_ROUNDS = 40;
/** Distinct valid payments per round: enough that the JIT sees the route's common shapes. */
export const WARM_PAYMENTS_PER_ROUND = 8;

/** A door that accepts and keeps nothing: the warm-up's payments never reach a processor. */
export function rehearsalDoor(): PaymentDoor & { readonly seen: () => number } {
  let seen = 0;
  return {
    accept: () => {
      seen++;
      return 'accepted';
    },
    seen: () => seen,
  };
}

/** Requests that change nothing on any instance, whatever its door. */
export function paymentsReadOnlyWarmRequests(): WarmRequest[] {
  const bad = (body: string): WarmRequest => ({
    method: 'POST',
    path: '/payments',
    body,
    expect: 400,
  });
  return [
    { method: 'GET', path: '/payments-summary', expect: 200 },
    {
      method: 'GET',
      path: '/payments-summary?from=2025-07-10T12:34:56.000Z&to=2025-07-10T12:35:56.000Z',
      expect: 200,
    },
    { method: 'GET', path: '/payments-summary?from=yesterday', expect: 400 },
    bad('{"correlationId":"not-a-uuid","amount":19.9}'),
    bad('{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3","amount":-1}'),
    bad('{"correlationId":"4a7901b8-7d26-4d9d-aa19-4dc1c7cf60b3"}'),
    bad('{"amount":19.9'),
  ];
}

/** The instance's own warm-up: the read-only list plus valid payments for a rehearsal door. */
export function paymentsWarmRequests(): WarmRequest[] {
  const out = paymentsReadOnlyWarmRequests();
  for (let i = 0; i < WARM_PAYMENTS_PER_ROUND; i++)
    out.push({
      method: 'POST',
      path: '/payments',
      // Valid v4 UUIDs; the rehearsal door keeps none of them.
      body: JSON.stringify({
        correlationId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
        amount: 19.9 + i,
      }),
      expect: 202,
    });
  return out;
}
