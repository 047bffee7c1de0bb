// ISO-8601 instants from query strings and processor requests, read strictly: a date-time with
// an explicit offset (Z or ±hh:mm), a real calendar date (2025-02-30 is refused, never read as
// 2 March), and never the machine's local time.
//   2020-07-10T12:34:56.000Z   2020-07-10T12:34:56Z   2020-07-10T09:34:56.5-03:00   ...T12:34Z

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

const MS_PER_MINUTE = 60_000;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export interface Instant {
  /** Epoch milliseconds, rounded down. */
  readonly ms: number;
  /** Whether digits beyond the millisecond were dropped. */
  readonly truncated: boolean;
}

export function parseInstant(text: string): Instant | undefined {
  const m = INSTANT.exec(text);
  if (m === null) return undefined;
  const [year, month, day, hour, minute] = [m[1], m[2], m[3], m[4], m[5]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const fraction = m[7] ?? '';
  const ms = Number(fraction.slice(0, 3).padEnd(3, '0'));
  const truncated = /[1-9]/.test(fraction.slice(3));
  let offsetMin = 0;
  const zone = m[8]!;
  if (zone !== 'Z') {
    const digits = zone.slice(1).replace(':', '');
    const oh = Number(digits.slice(0, 2));
    const om = digits.length > 2 ? Number(digits.slice(2)) : 0;
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMin * MS_PER_MINUTE;
  // Date.UTC maps years 0-99 to 1900-1999; such instants are no payment's.
  if (!Number.isFinite(utc) || year < 1970) return undefined;
  return { ms: utc, truncated };
}

/**
 * Bounds of an inclusive range on millisecond instants: a lower bound with sub-millisecond digits
 * starts at the next millisecond, an upper one ends at its own, so the range holds exactly the
 * millisecond instants between the two written ones.
 */
export function rangeBound(text: string, side: 'from' | 'to'): number | undefined {
  const i = parseInstant(text);
  if (i === undefined) return undefined;
  return side === 'from' && i.truncated ? i.ms + 1 : i.ms;
}
