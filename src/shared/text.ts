// Checks on text that came from a client: control characters and lone UTF-16 surrogates have no
// place in a stored description, and every store must refuse them the same way.

/** C0 controls (NUL included), DEL and C1 controls: Unicode's Cc category. */
export function hasControlCharacter(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x1f || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** A high surrogate not followed by a low one, or a low one without its high one. */
export function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) return true;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, or undefined when the bytes are not valid UTF-8 (never a silent U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    return undefined;
  }
}
