// Validation of the processor's POST /payments body. Invalid input is a 400 with a message.
import { MAX_AMOUNT_CENTS } from '../../shared/payment-ledger.js';
import { parseJsonObject } from '../../shared/json.js';
import { toCents } from '../../shared/money.js';

export interface PaymentRequest {
  /** Lower-case UUID (GUIDs compare case-insensitively in the original). */
  readonly correlationId: string;
  readonly cents: number;
  /** requestedAt as epoch milliseconds. */
  readonly at: number;
}

export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
export const MAX_BODY_BYTES = 4096;

const bad = (error: string): Parsed<never> => ({ ok: false, error });

/** Parses an ISO-8601 date-time; undefined when it is not one. */
export function parseInstant(text: string): number | undefined {
  if (!ISO_DATE.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function parsePayment(raw: string): Parsed<PaymentRequest> {
  const parsed = parseJsonObject(raw);
  if (!parsed.ok) return parsed;
  const { correlationId, amount, requestedAt } = parsed.value;
  if (typeof correlationId !== 'string' || !UUID.test(correlationId))
    return bad('correlationId must be a UUID');
  if (typeof amount !== 'number') return bad('amount must be a number');
  const cents = toCents(amount);
  if (cents === undefined || cents < 0n) return bad('amount must be a non-negative decimal');
  if (cents > BigInt(MAX_AMOUNT_CENTS))
    return bad(`amount above the simulator's maximum of ${MAX_AMOUNT_CENTS / 100}`);
  if (typeof requestedAt !== 'string')
    return bad('requestedAt must be an ISO-8601 date-time string');
  const at = parseInstant(requestedAt);
  if (at === undefined) return bad('requestedAt must be an ISO-8601 date-time string');
  return {
    ok: true,
    value: { correlationId: correlationId.toLowerCase(), cents: Number(cents), at },
  };
}
