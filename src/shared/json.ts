// Parsing a request body that must be a JSON object: malformed input is an answer, never a crash.
import { invalid, valid, type Parsed } from './result.js';
import { decodeUtf8 } from './text.js';

/** Largest JSON body any of our endpoints reads; every valid one is under 200 bytes. */
export const MAX_JSON_BODY_BYTES = 4_096;

export function parseJsonObject(raw: string | Uint8Array): Parsed<Record<string, unknown>> {
  const text = typeof raw === 'string' ? raw : decodeUtf8(raw);
  if (text === undefined) return invalid('body is not valid UTF-8');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return invalid('malformed JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalid('body must be a JSON object');
  return valid(body as Record<string, unknown>);
}
