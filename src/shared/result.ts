// The result of parsing untrusted input: a value, or the message a 4xx answer carries.
export type Parsed<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function invalid(error: string): Parsed<never> {
  return { ok: false, error };
}

export function valid<T>(value: T): Parsed<T> {
  return { ok: true, value };
}
