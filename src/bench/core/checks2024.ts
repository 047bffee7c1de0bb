// The checks of the official 2024/Q1 Gatling simulation, as pure functions of a parsed answer.
// Gatling runs a request's checks in order and reports the first that fails. The official results
// script (executar-testes-final.sh) fines as a balance inconsistency only the failures whose
// message names the `ConsistenciaSaldoLimite` validator (saldo below -limite) or a `saldo.total`
// `is` check ("jmesPath(saldo.total).find.is"); any other failed check is a KO and nothing more.
// Each check below says which kind its failure is, in that order.

export interface Json {
  [k: string]: unknown;
}

export interface CheckResult {
  readonly ok: boolean;
  /** The failure is one the official script fines (USD 803.01 each). */
  readonly inconsistent?: boolean;
  readonly failure?: string;
}

export type Check = (j: Json | undefined) => CheckResult;

const OK: CheckResult = { ok: true };
const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;
const ko = (failure: string): CheckResult => ({ ok: false, failure });
const inconsistent = (failure: string): CheckResult => ({ ok: false, inconsistent: true, failure });

/**
 * ConsistenciaSaldoLimite after `limite` is saved: a missing limite fails the save (a KO); the
 * validator fails ("WTF?!") on a balance it cannot read, and that failure names it too.
 */
function withinLimit(balance: unknown, limite: unknown, field: string, shape: string): CheckResult {
  const b = num(balance);
  const l = num(limite);
  if (l === undefined) return ko(shape);
  if (b === undefined) return inconsistent(`${field} missing`);
  return b < -l ? inconsistent(`${field} below -limite`) : OK;
}

/** Transaction answers: `limite` saved, then `saldo` through ConsistenciaSaldoLimite. */
export const transactionCheck: Check = (j) =>
  withinLimit(j?.saldo, j?.limite, 'saldo', 'limite missing');

/** Load extratos: `saldo.limite` saved, then `saldo.total` through ConsistenciaSaldoLimite. */
export const extratoCheck: Check = (j) => {
  const s = j?.saldo as Json | undefined;
  return withinLimit(s?.total, s?.limite, 'saldo.total', 'extrato shape');
};

/** The concurrency checks of client 1: `saldo.total` is exactly the expected sum. */
export const totalIs =
  (expected: number): Check =>
  (j) => {
    const total = num((j?.saldo as Json | undefined)?.total);
    return total === expected ? OK : inconsistent(`saldo.total ${total} instead of ${expected}`);
  };

/** A client's first extrato: `saldo.limite` is the contract's, then `saldo.total` is 0. */
export const initialExtratoCheck =
  (limite: number): Check =>
  (j) => {
    const s = j?.saldo as Json | undefined;
    if (num(s?.limite) !== limite) return ko('initial extrato limite');
    return num(s?.total) === 0 ? OK : inconsistent('initial extrato');
  };

/** After "toma" and "devolve": the two newest entries are those, newest first (no saldo check). */
export const orderCheck: Check = (j) => {
  const l = j?.ultimas_transacoes as Json[] | undefined;
  const ok =
    l?.[0]?.descricao === 'devolve' &&
    l[0].tipo === 'd' &&
    l[0].valor === 1 &&
    l[1]?.descricao === 'toma' &&
    l[1].tipo === 'c' &&
    l[1].valor === 1;
  return ok ? OK : ko('ultimas_transacoes order');
};

/**
 * The 4 extratos after the credit "danada": its entry first, then `saldo.limite` and
 * `saldo.total` equal to the credit's answer. Only the last is a `saldo.total` check.
 */
export const readYourWritesCheck =
  (credit: Json | undefined): Check =>
  (j) => {
    const s = j?.saldo as Json | undefined;
    const first = (j?.ultimas_transacoes as Json[] | undefined)?.[0];
    if (first?.descricao !== 'danada' || first.tipo !== 'c' || first.valor !== 1)
      return ko('extrato after credit: newest entry');
    if (s?.limite !== credit?.limite) return ko('extrato after credit: limite');
    return s?.total === credit?.saldo
      ? OK
      : inconsistent('extrato after credit (read-your-writes)');
  };
