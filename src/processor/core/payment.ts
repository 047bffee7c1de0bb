// Validation of the processor's POST /payments body. Invalid input is a 400 with a message.
import { parseInstant } from '../../shared/instant.js';
import { parseJsonObject } from '../../shared/json.js';
import { toCents } from '../../shared/money.js';
import { MAX_AMOUNT_CENTS } from '../../shared/payment-ledger.js';
import { invalid, valid, type Parsed } from '../../shared/result.js';
import { isUuid } from '../../shared/uuid.js';

export interface PaymentRequest {
  /** Lower-case UUID (GUIDs compare case-insensitively in the original). */
  readonly correlationId: string;
  readonly cents: number;
  /** requestedAt as epoch milliseconds. */
  readonly at: number;
}

export function parsePayment(raw: string | Uint8Array): Parsed<PaymentRequest> {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return parsed;
  const { correlationId, amount, requestedAt } = parsed.value;
  if (!isUuid(correlationId)) return invalid('correlationId must be a UUID');
  if (typeof amount !== 'number') return invalid('amount must be a number');
  const cents = toCents(amount);
  if (cents === undefined || cents < 0n) return invalid('amount must be a non-negative decimal');
  if (cents > BigInt(MAX_AMOUNT_CENTS))
    return invalid(`amount above the simulator's maximum of ${MAX_AMOUNT_CENTS / 100}`);
  const at = typeof requestedAt === 'string' ? parseInstant(requestedAt) : undefined;
  if (at === undefined) return invalid('requestedAt must be an ISO-8601 date-time with an offset');
  return valid({ correlationId: correlationId.toLowerCase(), cents: Number(cents), at: at.ms });
}
