// A health reading shared by the other instance is input like any other: it must be well formed
// and not from the future (a reading dated ahead would be taken as fresh forever and stop the
// poller), nor too old to matter.
import { invalid, valid, type Parsed } from '../../shared/result.js';
import type { Health, ProcessorName } from './policy.js';

/** Largest delay a processor can report that we believe (the simulator's own ceiling). */
export const MAX_REPORTED_DELAY_MS = 600_000;
/** A reading may be dated this far ahead of our clock (two processes on one host: ~none). */
export const MAX_READING_CLOCK_SKEW_MS = 1_000;
/** Readings older than this are no use to anyone. */
export const MAX_READING_AGE_MS = 60_000;

export interface SharedReading {
  readonly name: ProcessorName;
  readonly health: Health;
}

export function validateReading(
  body: Record<string, unknown>,
  nowMs: number,
): Parsed<SharedReading> {
  const { name, health } = body;
  if (name !== 'default' && name !== 'fallback') return invalid('name must be default or fallback');
  if (typeof health !== 'object' || health === null) return invalid('health must be an object');
  const { failing, minResponseTimeMs, atMs } = health as Record<string, unknown>;
  if (typeof failing !== 'boolean') return invalid('health.failing must be a boolean');
  if (
    typeof minResponseTimeMs !== 'number' ||
    !Number.isInteger(minResponseTimeMs) ||
    minResponseTimeMs < 0 ||
    minResponseTimeMs > MAX_REPORTED_DELAY_MS
  )
    return invalid(
      `health.minResponseTimeMs must be an integer from 0 to ${MAX_REPORTED_DELAY_MS}`,
    );
  if (typeof atMs !== 'number' || !Number.isFinite(atMs))
    return invalid('health.atMs must be a number');
  if (atMs > nowMs + MAX_READING_CLOCK_SKEW_MS) return invalid('health.atMs is in the future');
  if (atMs < nowMs - MAX_READING_AGE_MS) return invalid('health.atMs is too old');
  return valid({ name, health: { failing, minResponseTimeMs, atMs } });
}
