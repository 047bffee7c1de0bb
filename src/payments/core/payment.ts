// Validation of the backend's POST /payments body (2025 contract). Bad input is a 4xx with a
// clear message and is never forwarded.
import { parseJsonObject } from '../../shared/json.js';
import { toCents } from '../../shared/money.js';
import { MAX_AMOUNT_CENTS } from '../../shared/payment-ledger.js';
import { invalid, valid, type Parsed } from '../../shared/result.js';
import { isUuid } from '../../shared/uuid.js';

export interface PaymentRequest {
  /** Lower-case UUID: the same payment whatever the case it was sent in. */
  readonly correlationId: string;
  /** Amount in integer cents (rounded half-even to 2 decimals, as the processor rounds). */
  readonly cents: number;
}

/** Largest amount accepted: the same cap as the ledgers, so every sum of cents stays exact. */
export { MAX_AMOUNT_CENTS };

export function parsePaymentRequest(raw: string | Uint8Array): Parsed<PaymentRequest> {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return parsed;
  const { correlationId, amount } = parsed.value;
  if (correlationId === undefined) return invalid('correlationId is required');
  if (!isUuid(correlationId)) return invalid('correlationId must be a UUID');
  if (amount === undefined) return invalid('amount is required');
  if (typeof amount !== 'number' || !Number.isFinite(amount))
    return invalid('amount must be a number');
  const cents = toCents(amount);
  if (cents === undefined || cents <= 0n) return invalid('amount must be greater than 0.00');
  if (cents > BigInt(MAX_AMOUNT_CENTS))
    return invalid(`amount must be at most ${MAX_AMOUNT_CENTS / 100}`);
  return valid({ correlationId: correlationId.toLowerCase(), cents: Number(cents) });
}
