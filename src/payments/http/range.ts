// The optional from/to of GET /payments-summary: ISO-8601 instants with an offset, inclusive;
// a missing bound is unbounded on its side.
import { rangeBound } from '../../shared/instant.js';
import { invalid, valid, type Parsed } from '../../shared/result.js';

export interface Range {
  readonly fromMs?: number;
  readonly toMs?: number;
}

export function parseRange(query: string): Parsed<Range> {
  const q = new URLSearchParams(query);
  const f = q.get('from');
  const t = q.get('to');
  const from = f ? rangeBound(f, 'from') : undefined;
  const to = t ? rangeBound(t, 'to') : undefined;
  if ((f && from === undefined) || (t && to === undefined))
    return invalid(
      'from and to must be ISO-8601 date-times with an offset, e.g. 2025-07-10T12:34:56.000Z',
    );
  return valid({
    ...(from === undefined ? {} : { fromMs: from }),
    ...(to === undefined ? {} : { toMs: to }),
  });
}
