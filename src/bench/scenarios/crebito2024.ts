// The 2024/Q1 Gatling simulation, faithfully: the validation phase (each check as the original
// does it), then the open-model load (each virtual user one request on its own connection) with
// every check of the original. Works against any backend on the target URL.
import { RinhaError } from '../../errors.js';
import { arrivals, scaleInjection, type Injection } from '../core/arrival.js';
import { nowMs, Recorder, type Outcome } from '../core/recorder.js';
import { send, parseTarget, REQUEST_TIMEOUT_MS, type Answer, type Target } from '../load/http1.js';
import { GeneratorMonitor, schedule } from '../load/monitor.js';
import { performance } from 'node:perf_hooks';

/** The contract's clients and limits (the bench checks answers against them). */
export const LIMITS: Readonly<Record<number, number>> = {
  1: 100000,
  2: 80000,
  3: 1000000,
  4: 10000000,
  5: 500000,
};

/** The invalid transactions of the official validation phase (each must get 422 or 400). */
export const INVALID_TRANSACTIONS: readonly Readonly<Record<string, unknown>>[] = [
  { valor: 1.2, tipo: 'd', descricao: 'devolve' },
  { valor: 1, tipo: 'x', descricao: 'devolve' },
  { valor: 1, tipo: 'c', descricao: '123456789 e mais um pouco' },
  { valor: 1, tipo: 'c', descricao: '' },
  { valor: 1, tipo: 'c', descricao: null },
];

export const LOAD_2024: Readonly<
  Record<'debitos' | 'creditos' | 'extratos', readonly Injection[]>
> = {
  debitos: [
    { kind: 'ramp', from: 1, to: 220, duringSec: 120 },
    { kind: 'constant', rate: 220, duringSec: 120 },
  ],
  creditos: [
    { kind: 'ramp', from: 1, to: 110, duringSec: 120 },
    { kind: 'constant', rate: 110, duringSec: 120 },
  ],
  extratos: [
    { kind: 'ramp', from: 1, to: 10, duringSec: 120 },
    { kind: 'constant', rate: 10, duringSec: 120 },
  ],
};

export interface Run2024Options {
  readonly target: string;
  /** Shrinks every load duration (1 = the official 4 minutes). */
  readonly scale: number;
  /** Random source (seedable for repeatable runs). */
  readonly random: () => number;
  readonly onStart?: (rec: Recorder, totalSec: number) => void;
  /**
   * Start the load only once every validation check is done (not the original's order: there
   * the load starts alongside the per-client criteria, which a slow first request then races).
   */
  readonly loadAfterValidation?: boolean;
}

export interface Run2024 {
  readonly rec: Recorder;
  readonly generator: ReturnType<GeneratorMonitor['stop']>;
  readonly plannedLoadRequests: number;
  readonly loadSec: number;
}

interface Json {
  [k: string]: unknown;
}

function parse(a: Answer): Json | undefined {
  try {
    const v: unknown = JSON.parse(a.body);
    return typeof v === 'object' && v !== null ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

function outcome(
  name: string,
  a: Answer,
  expected: readonly number[],
  check?: (j: Json | undefined) => { ok: boolean; inconsistent?: boolean; failure?: string },
): Outcome {
  if (a.status === 0)
    return { name, status: 0, ms: a.ms, ok: false, failure: a.error ?? 'no answer' };
  if (!expected.includes(a.status))
    return { name, status: a.status, ms: a.ms, ok: false, failure: `${name}: status ${a.status}` };
  if (check === undefined) return { name, status: a.status, ms: a.ms, ok: true };
  const c = check(parse(a));
  return {
    name,
    status: a.status,
    ms: a.ms,
    ok: c.ok,
    ...(c.inconsistent ? { inconsistent: true } : {}),
    ...(c.failure ? { failure: `${name}: ${c.failure}` } : {}),
  };
}

/** saldo within limit for a transaction answer (Gatling: saldo >= -limite when 200). */
function transactionCheck(j: Json | undefined) {
  const saldo = num(j?.saldo);
  const limite = num(j?.limite);
  if (saldo === undefined || limite === undefined)
    return { ok: false, failure: 'saldo/limite missing' };
  if (saldo < -limite) return { ok: false, inconsistent: true, failure: 'saldo below -limite' };
  return { ok: true };
}

function extratoCheck(j: Json | undefined) {
  const s = j?.saldo as Json | undefined;
  const total = num(s?.total);
  const limite = num(s?.limite);
  if (total === undefined || limite === undefined || !Array.isArray(j?.ultimas_transacoes))
    return { ok: false, failure: 'extrato shape' };
  if (total < -limite)
    return { ok: false, inconsistent: true, failure: 'saldo.total below -limite' };
  return { ok: true };
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Phases 1 and 2 of the simulation, each request recorded with the original's checks. As in the
 * original's setUp, the per-client criteria run alongside the 404 check, and the load follows the
 * 404 check (`andThen`), not the criteria: the load may move a balance while a criterion reads it
 * (the official test's own load-start race). Resolves when the load may start; `criteria` settles
 * when the per-client checks are done.
 */
async function validation(t: Target, rec: Recorder): Promise<{ criteria: Promise<void> }> {
  const name = 'validações';
  const post = async (
    id: number,
    body: unknown,
    expected: readonly number[],
    check?: Parameters<typeof outcome>[3],
  ) => {
    const at = nowMs();
    const a = await send(t, 'POST', `/clientes/${id}/transacoes`, JSON.stringify(body));
    rec.record(outcome(name, a, expected, check), at);
    return a;
  };
  const extrato = async (
    id: number,
    check: (j: Json | undefined) => { ok: boolean; inconsistent?: boolean; failure?: string },
  ) => {
    const at = nowMs();
    const a = await send(t, 'GET', `/clientes/${id}/extrato`);
    rec.record(outcome(name, a, [200], check), at);
    return a;
  };
  const totalIs = (expected: number) => (j: Json | undefined) => {
    const total = num((j?.saldo as Json | undefined)?.total);
    return total === expected
      ? { ok: true }
      : { ok: false, inconsistent: true, failure: `saldo.total ${total} instead of ${expected}` };
  };

  await Promise.all(
    Array.from({ length: 25 }, () => post(1, { valor: 1, tipo: 'd', descricao: 'debits' }, [200])),
  );
  await extrato(1, totalIs(-25));
  await Promise.all(
    Array.from({ length: 25 }, () => post(1, { valor: 1, tipo: 'c', descricao: 'credits' }, [200])),
  );
  await extrato(1, totalIs(0));

  const perClient = async (id: number) => {
    const limite = LIMITS[id]!;
    await extrato(id, (j) => {
      const s = j?.saldo as Json | undefined;
      return num(s?.limite) === limite && num(s?.total) === 0
        ? { ok: true }
        : { ok: false, inconsistent: true, failure: 'initial extrato' };
    });
    await post(id, { valor: 1, tipo: 'c', descricao: 'toma' }, [200], transactionCheck);
    await post(id, { valor: 1, tipo: 'd', descricao: 'devolve' }, [200], transactionCheck);
    await extrato(id, (j) => {
      const l = j?.ultimas_transacoes as Json[] | undefined;
      const ok =
        l?.[0]?.descricao === 'devolve' &&
        l[0].tipo === 'd' &&
        l[0].valor === 1 &&
        l[1]?.descricao === 'toma' &&
        l[1].tipo === 'c' &&
        l[1].valor === 1;
      return ok
        ? { ok: true }
        : { ok: false, inconsistent: true, failure: 'ultimas_transacoes order' };
    });
    const danada = parse(
      await post(id, { valor: 1, tipo: 'c', descricao: 'danada' }, [200], transactionCheck),
    );
    await Promise.all(
      Array.from({ length: 4 }, () =>
        extrato(id, (j) => {
          const s = j?.saldo as Json | undefined;
          const first = (j?.ultimas_transacoes as Json[] | undefined)?.[0];
          const ok =
            first?.descricao === 'danada' &&
            first.tipo === 'c' &&
            first.valor === 1 &&
            s?.limite === danada?.limite &&
            s?.total === danada?.saldo;
          return ok
            ? { ok: true }
            : { ok: false, inconsistent: true, failure: 'extrato after credit (read-your-writes)' };
        }),
      ),
    );
    for (const bad of INVALID_TRANSACTIONS) {
      await post(id, bad, [422, 400]);
    }
  };
  const notFound = (async () => {
    const at = nowMs();
    rec.record(outcome(name, await send(t, 'GET', '/clientes/6/extrato'), [404]), at);
  })();
  const criteria = Promise.all([1, 2, 3, 4, 5].map(perClient)).then(() => {});
  await notFound;
  return { criteria };
}

export async function runCrebito2024(o: Run2024Options): Promise<Run2024> {
  if (!(o.scale > 0 && o.scale <= 1))
    throw new RinhaError('INVALID_OPTION', '--scale must be in (0, 1]');
  const t = parseTarget(o.target);
  const kinds = ['debitos', 'creditos', 'extratos'] as const;
  const streams = kinds.map((k) => ({
    k,
    times: arrivals(LOAD_2024[k].map((s) => scaleInjection(s, o.scale))),
  }));
  const plan = streams
    .flatMap(({ k, times }) => Array.from(times, (s) => ({ k, ms: s * 1000 })))
    .sort((a, b) => a.ms - b.ms);
  const plannedMs = Float64Array.from(plan, (p) => p.ms);
  const loadSec = 240 * o.scale;

  const rec = new Recorder(nowMs());
  o.onStart?.(rec, loadSec);
  const monitor = new GeneratorMonitor();
  const { criteria } = await validation(t, rec);
  if (o.loadAfterValidation) await criteria;

  const pending = new Set<Promise<void>>();
  const fire = (i: number, plannedAt: number) => {
    monitor.started(plannedAt, performance.now());
    const kind = plan[i]!.k;
    const id = 1 + Math.floor(o.random() * 5);
    const at = nowMs();
    let p: Promise<void>;
    if (kind === 'extratos') {
      p = send(t, 'GET', `/clientes/${id}/extrato`).then((a) =>
        rec.record(outcome('extratos', a, [200], extratoCheck), at),
      );
    } else {
      let descricao = '';
      for (let c = 0; c < 10; c++) descricao += ALNUM[Math.floor(o.random() * ALNUM.length)];
      const body = JSON.stringify({
        valor: 1 + Math.floor(o.random() * 10000),
        tipo: kind === 'debitos' ? 'd' : 'c',
        descricao,
      });
      p =
        kind === 'debitos'
          ? send(t, 'POST', `/clientes/${id}/transacoes`, body).then((a) =>
              rec.record(
                outcome('débitos', a, [200, 422], (j) =>
                  a.status === 422 ? { ok: true } : transactionCheck(j),
                ),
                at,
              ),
            )
          : send(t, 'POST', `/clientes/${id}/transacoes`, body).then((a) =>
              rec.record(outcome('créditos', a, [200], transactionCheck), at),
            );
    }
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };
  await schedule(plannedMs, performance.now(), fire);
  const deadline = performance.now() + REQUEST_TIMEOUT_MS + 1000;
  while (pending.size > 0 && performance.now() < deadline) await Promise.race([...pending]);
  await criteria;
  return { rec, generator: monitor.stop(), plannedLoadRequests: plan.length, loadSec };
}
