// The ledger rule of the 2024/Q1 contract, in one place: a debit may never take the balance below
// -limite; credits always apply. Balances are int64 (the stores' column type), kept as bigint so
// they stay exact integers; a credit that would overflow int64 is refused rather than corrupting.

import type { Tipo } from './transaction.js';

export const INT64_MAX = 9223372036854775807n;

export type LedgerOutcome =
  | { readonly applied: true; readonly balance: bigint }
  | { readonly applied: false; readonly reason: 'insufficient_limit' | 'balance_overflow' };

/** Signed amount a transaction adds to the balance. */
export function signedAmount(tipo: Tipo, valor: number): bigint {
  const v = BigInt(valor);
  return tipo === 'c' ? v : -v;
}

export function applyTransaction(
  balance: bigint,
  limit: bigint,
  tipo: Tipo,
  valor: number,
): LedgerOutcome {
  const next = balance + signedAmount(tipo, valor);
  if (next < -limit) return { applied: false, reason: 'insufficient_limit' };
  if (next > INT64_MAX) return { applied: false, reason: 'balance_overflow' };
  return { applied: true, balance: next };
}

/** Invariant every store must keep; checked again before any balance leaves the service. */
export function isWithinLimit(balance: bigint, limit: bigint): boolean {
  return balance >= -limit;
}
