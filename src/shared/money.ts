// Exact decimal money, shared by the simulator and the payments backend: amounts are integer
// cents, fees are decimal fractions kept as integer ratios, totals print as exact decimals.
import { RinhaError } from '../errors.js';

/** A decimal fraction such as 0.05, as numerator / 10^scale. */
export interface DecimalRatio {
  readonly numerator: bigint;
  readonly scale: number;
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** Parses a non-negative decimal such as "0.05" (the fee); throws on anything else. */
export function parseDecimal(text: string): DecimalRatio {
  const m = DECIMAL.exec(text.trim());
  if (m === null) throw new RinhaError('INVALID_OPTION', `not a non-negative decimal: "${text}"`);
  const frac = m[2] ?? '';
  return { numerator: BigInt(m[1]! + frac), scale: frac.length };
}

/**
 * Rounds a JSON amount to cents the way .NET's decimal.Round(x, 2) does: half to even, on the
 * decimal value written (JavaScript's shortest round-trip form of the number), not on the binary
 * double. Returns undefined for amounts that are not finite or need more than 15 digits.
 */
export function toCents(amount: number): bigint | undefined {
  if (!Number.isFinite(amount)) return undefined;
  const text = String(Math.abs(amount));
  if (text.includes('e')) return undefined;
  const m = DECIMAL.exec(text);
  if (m === null) return undefined;
  const whole = BigInt(m[1]!);
  const frac = (m[2] ?? '').padEnd(3, '0');
  let cents = whole * 100n + BigInt(frac.slice(0, 2));
  const rest = frac.slice(2); // digits beyond the cents
  const half = '5'.padEnd(rest.length, '0');
  if (rest > half || (rest === half && cents % 2n === 1n)) cents += 1n;
  return amount < 0 ? -cents : cents;
}

/** Prints integer cents as a decimal with 2 places, e.g. 1990n → "19.90". */
export function formatCents(cents: bigint): string {
  const neg = cents < 0n;
  const abs = neg ? -cents : cents;
  const s = `${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
  return neg ? `-${s}` : s;
}

/** cents × ratio, printed exactly (e.g. 1990 cents × 0.05 → "0.9950"). */
export function formatCentsTimes(cents: bigint, ratio: DecimalRatio): string {
  const scale = 2 + ratio.scale;
  const value = cents * ratio.numerator;
  const neg = value < 0n;
  const digits = (neg ? -value : value).toString().padStart(scale + 1, '0');
  const s = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return neg ? `-${s}` : s;
}

export function formatRatio(r: DecimalRatio): string {
  if (r.scale === 0) return r.numerator.toString();
  const digits = r.numerator.toString().padStart(r.scale + 1, '0');
  return `${digits.slice(0, -r.scale)}.${digits.slice(-r.scale)}`;
}
