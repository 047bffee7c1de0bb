// Parsing a request body that must be a JSON object: malformed input is an answer, never a crash.

export type JsonObjectResult =
  | { readonly ok: true; readonly value: Record<string, unknown> }
  | { readonly ok: false; readonly error: string };

export function parseJsonObject(raw: string): JsonObjectResult {
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'malformed JSON' };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return { ok: false, error: 'body must be a JSON object' };
  return { ok: true, value: body as Record<string, unknown> };
}
