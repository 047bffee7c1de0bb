// The 2024/Q1 "SLA contract": USD 100,000 minus fines. A response is OK when its status is the
// expected one and its checks pass; the share that matters is OK responses answered within
// 250 ms. Below 98%: (98 − percent) × USD 1,000. Each response showing an inconsistent balance
// (saldo below -limite, or a `saldo.total` other than the one expected: core/checks2024.ts says
// which failed checks those are): USD 803.01.

export const SLA_BASE_USD = 100_000;
export const SLA_THRESHOLD_MS = 250;
export const SLA_MIN_PERCENT = 98;
export const SLA_FINE_PER_PERCENT_USD = 1_000;
export const INCONSISTENCY_FINE_USD = 803.01;

export interface Sla2024Input {
  readonly total: number;
  /** OK responses answered in less than 250 ms. */
  readonly okUnderThreshold: number;
  readonly inconsistencies: number;
}

export interface Sla2024 {
  readonly percentOkUnderThreshold: number;
  readonly slaFineUsd: number;
  readonly inconsistencyFineUsd: number;
  readonly totalFineUsd: number;
  readonly valueUsd: number;
}

const cents = (x: number) => Math.round(x * 100) / 100;

export function score2024(i: Sla2024Input): Sla2024 {
  const percent = i.total === 0 ? 0 : (i.okUnderThreshold / i.total) * 100;
  const slaFine =
    percent < SLA_MIN_PERCENT ? cents((SLA_MIN_PERCENT - percent) * SLA_FINE_PER_PERCENT_USD) : 0;
  const incFine = cents(i.inconsistencies * INCONSISTENCY_FINE_USD);
  const total = cents(slaFine + incFine);
  return {
    percentOkUnderThreshold: Math.round(percent * 1000) / 1000,
    slaFineUsd: slaFine,
    inconsistencyFineUsd: incFine,
    totalFineUsd: total,
    valueUsd: cents(SLA_BASE_USD - total),
  };
}
