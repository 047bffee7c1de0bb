// Validation of the backend's POST /payments body (2025 contract). Bad input is a 4xx with a
// clear message and is never forwarded.
import { parseJsonObject } from '../../shared/json.js';
import { toCents } from '../../shared/money.js';
import { MAX_AMOUNT_CENTS } from '../../shared/payment-ledger.js';

export interface PaymentRequest {
  /** Lower-case UUID: the same payment whatever the case it was sent in. */
  readonly correlationId: string;
  /** Amount in integer cents (rounded half-even to 2 decimals, as the processor rounds). */
  readonly cents: number;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const MAX_BODY_BYTES = 4096;
/** Largest amount accepted: the same cap as the ledgers, so every sum of cents stays exact. */
export { MAX_AMOUNT_CENTS };

const bad = (error: string): Parsed<never> => ({ ok: false, error });

export function parsePaymentRequest(raw: string): Parsed<PaymentRequest> {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return parsed;
  const { correlationId, amount } = parsed.value;
  if (correlationId === undefined) return bad('correlationId is required');
  if (typeof correlationId !== 'string' || !UUID.test(correlationId))
    return bad('correlationId must be a UUID');
  if (amount === undefined) return bad('amount is required');
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return bad('amount must be a number');
  const cents = toCents(amount);
  if (cents === undefined || cents <= 0n) return bad('amount must be greater than 0.00');
  if (cents > BigInt(MAX_AMOUNT_CENTS))
    return bad(`amount must be at most ${MAX_AMOUNT_CENTS / 100}`);
  return { ok: true, value: { correlationId: correlationId.toLowerCase(), cents: Number(cents) } };
}
