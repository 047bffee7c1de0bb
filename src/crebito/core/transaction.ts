// Validation of POST /clientes/{id}/transacoes bodies, exactly per the 2024/Q1 contract.
// Pure: no I/O, no clock. Every rejection carries a message for the 422 body.

import { parseJsonObject } from '../../shared/json.js';
import { invalid, valid, type Parsed } from '../../shared/result.js';
import { hasControlCharacter, hasLoneSurrogate } from '../../shared/text.js';

export type Tipo = 'c' | 'd';

export interface TransactionRequest {
  /** Positive integer, in cents. */
  readonly valor: number;
  readonly tipo: Tipo;
  /** 1 to 10 characters (Unicode code points, as PostgreSQL's varchar(10) counts them). */
  readonly descricao: string;
}

/** Largest valor accepted: beyond it a JSON number is no longer an exact integer in JS. */
export const MAX_VALOR = Number.MAX_SAFE_INTEGER;
export const MAX_DESCRICAO_CHARS = 10;

function codePointLength(s: string): number {
  // Fast path: fewer UTF-16 units than the limit means fewer code points too.
  if (s.length <= MAX_DESCRICAO_CHARS) return s.length - countLowSurrogates(s);
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function countLowSurrogates(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) n++;
  }
  return n;
}

/** Validates an already-decoded JSON value. */
export function validateTransaction(body: unknown): Parsed<TransactionRequest> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return invalid('body must be a JSON object');
  const { valor, tipo, descricao } = body as Record<string, unknown>;
  if (valor === undefined) return invalid('valor is required');
  if (typeof valor !== 'number' || !Number.isInteger(valor))
    return invalid('valor must be an integer number of cents');
  if (valor <= 0) return invalid('valor must be positive');
  if (valor > MAX_VALOR) return invalid(`valor must be at most ${MAX_VALOR}`);
  if (tipo !== 'c' && tipo !== 'd') return invalid('tipo must be "c" or "d"');
  if (typeof descricao !== 'string') return invalid('descricao must be a string');
  // Both stores must answer the same: PostgreSQL refuses NUL in text, SQLite would store it.
  if (hasControlCharacter(descricao))
    return invalid('descricao must not contain control characters');
  if (hasLoneSurrogate(descricao)) return invalid('descricao must be valid Unicode text');
  const chars = codePointLength(descricao);
  if (chars < 1 || chars > MAX_DESCRICAO_CHARS)
    return invalid(`descricao must have 1 to ${MAX_DESCRICAO_CHARS} characters`);
  return valid({ valor, tipo, descricao });
}

/** Parses and validates a raw request body. Malformed JSON is an invalid payload, never a crash. */
export function parseTransaction(raw: string | Uint8Array): Parsed<TransactionRequest> {
  const parsed = parseJsonObject(raw);
  return parsed.ok ? validateTransaction(parsed.value) : parsed;
}
