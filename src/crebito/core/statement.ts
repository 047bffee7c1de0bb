// The extrato (statement) shape and its JSON rendering, shared by every store.

import type { Tipo } from './transaction.js';

/** How many transactions an extrato lists, newest first. */
export const STATEMENT_SIZE = 10;

export interface StatementEntry {
  readonly valor: bigint | number;
  readonly tipo: Tipo;
  readonly descricao: string;
  /** ISO-8601 UTC timestamp. */
  readonly realizadaEm: string;
}

export interface Statement {
  readonly balance: bigint;
  /** Newest first, at most STATEMENT_SIZE. */
  readonly entries: readonly StatementEntry[];
}

export function renderStatement(s: Statement, limit: bigint, now: Date): string {
  let list = '';
  for (let i = 0; i < s.entries.length; i++) {
    const e = s.entries[i]!;
    if (i > 0) list += ',';
    list += `{"valor":${e.valor},"tipo":"${e.tipo}","descricao":${JSON.stringify(e.descricao)},"realizada_em":"${e.realizadaEm}"}`;
  }
  return `{"saldo":{"total":${s.balance},"data_extrato":"${now.toISOString()}","limite":${limit}},"ultimas_transacoes":[${list}]}`;
}

export function renderTransactionResult(balance: bigint, limit: bigint): string {
  return `{"limite":${limit},"saldo":${balance}}`;
}
