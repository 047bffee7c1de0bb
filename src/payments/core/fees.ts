// The processors' fees, as configuration: the backend cannot read them (the admin endpoints need
// the test's token), so it is told them. The public rules and the preview used 0.05 / 0.15; the
// official final 0.07 / 0.10. Fees are decimal strings for the simulators (exact money) and
// fractions for the policy (a decision, never a sum).
import { parseDecimal } from '../../shared/money.js';
import { invalid, valid, type Parsed } from '../../shared/result.js';
import type { ProcessorName } from './policy.js';

export type Fees = Readonly<Record<ProcessorName, string>>;

export const PUBLIC_RULES_FEES: Fees = { default: '0.05', fallback: '0.15' };
export const FINAL_FEES: Fees = { default: '0.07', fallback: '0.10' };

/** "0.07,0.10" → fees; each a decimal fraction below 1, default's not above fallback's. */
export function parseFees(text: string): Parsed<Fees> {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length !== 2)
    return invalid('fees must be two decimals, default then fallback, e.g. 0.07,0.10');
  const fractions: number[] = [];
  for (const p of parts) {
    let r;
    try {
      r = parseDecimal(p);
    } catch {
      return invalid(`fee "${p}" is not a decimal such as 0.05`);
    }
    const f = Number(r.numerator) / 10 ** r.scale;
    if (!(f >= 0 && f < 1)) return invalid(`fee ${p} must be at least 0 and below 1`);
    fractions.push(f);
  }
  if (fractions[0]! > fractions[1]!)
    return invalid("the default processor is the cheaper one: its fee cannot exceed fallback's");
  return valid({ default: parts[0]!, fallback: parts[1]! });
}

export function feeFraction(fees: Fees, p: ProcessorName): number {
  const r = parseDecimal(fees[p]);
  return Number(r.numerator) / 10 ** r.scale;
}
