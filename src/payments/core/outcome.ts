// What a processor's answer means for a payment — the heart of "exactly once".
//
//   200                    stored: done, recorded under that processor with the requestedAt sent
//   422                    already stored there (an earlier attempt went through): done, with the
//                          requestedAt of the first attempt, never charged again
//   500, 502, 503, 429     not stored: may be retried later, here or on the other processor
//   400                    the processor refused our request: a bug on our side, never retried
//   timeout, reset after   UNKNOWN: it may still be stored; resolve on the SAME processor
//   the request was sent   (GET /payments/{id}, or a retry there that answers 200 or 422) and
//                          never send it to the other processor until it is known not stored
//   connection refused     not stored: nothing reached the processor

export type Reply =
  | { readonly kind: 'answer'; readonly status: number }
  | { readonly kind: 'timeout' }
  /** The connection failed; `sent` says whether the request may have reached the processor. */
  | { readonly kind: 'connection'; readonly sent: boolean };

export type PaymentOutcome = 'stored' | 'already_stored' | 'not_stored' | 'unknown' | 'rejected';

export function classifyPayment(r: Reply): PaymentOutcome {
  if (r.kind === 'timeout') return 'unknown';
  if (r.kind === 'connection') return r.sent ? 'unknown' : 'not_stored';
  const s = r.status;
  if (s === 200 || s === 201 || s === 202 || s === 204) return 'stored';
  if (s === 422) return 'already_stored';
  if (s === 429 || s >= 500) return 'not_stored';
  if (s === 400) return 'rejected';
  // Any other answer (404 on a misrouted request, 401…) did not store the payment either.
  return 'not_stored';
}

/** GET /payments/{id} on the processor an unknown payment went to. */
export type LookupOutcome = 'stored' | 'absent' | 'unknown';

export function classifyLookup(r: Reply): LookupOutcome {
  if (r.kind !== 'answer') return 'unknown';
  if (r.status === 200) return 'stored';
  if (r.status === 404) return 'absent';
  return 'unknown';
}

/** Whether a payment in this state may be sent to `to`, given where it was last sent. */
export function maySendTo(
  state: { readonly unknownAt?: 'default' | 'fallback' },
  to: 'default' | 'fallback',
): boolean {
  return state.unknownAt === undefined || state.unknownAt === to;
}
