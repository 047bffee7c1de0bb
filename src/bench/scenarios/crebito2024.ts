// The 2024/Q1 Gatling simulation, faithfully: the validation phase (each check as the original
// does it, each virtual user on its own keep-alive connections), then the open-model load (each
// virtual user one request on its own connection) with every check of the original, fined as the
// official results script fines them (core/checks2024.ts). Works against any backend.
import { RinhaError } from '../../errors.js';
import { arrivals, scaleInjection, type Injection } from '../core/arrival.js';
import {
  extratoCheck,
  initialExtratoCheck,
  orderCheck,
  readYourWritesCheck,
  totalIs,
  transactionCheck,
  type Check,
  type Json,
} from '../core/checks2024.js';
import { nowMs, Recorder, type Outcome } from '../core/recorder.js';
import type { ValidationStep } from '../core/validation2024.js';
import { send, parseTarget, REQUEST_TIMEOUT_MS, type Answer, type Target } from '../load/http1.js';
import { GeneratorMonitor, schedule } from '../load/monitor.js';
import http from 'node:http';
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
  /** Every validation request: its step, latency and start. */
  readonly validation: readonly ValidationStep[];
}

function parse(a: Answer): Json | undefined {
  try {
    const v: unknown = JSON.parse(a.body);
    return typeof v === 'object' && v !== null ? (v as Json) : undefined;
  } catch {
    return undefined;
  }
}

function outcome(name: string, a: Answer, expected: readonly number[], check?: Check): Outcome {
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

/** Gatling's default ceiling of concurrent connections per host for one virtual user. */
const GATLING_CONNECTIONS_PER_HOST = 6;

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * Phases 1 and 2 of the simulation, each request recorded with the original's checks. As in the
 * original's setUp, the per-client criteria run alongside the 404 check, and the load follows the
 * 404 check (`andThen`), not the criteria: the load may move a balance while a criterion reads it
 * (the official test's own load-start race). Resolves when the load may start; `criteria` settles
 * when the per-client checks are done.
 */
async function validation(
  t: Target,
  rec: Recorder,
  steps: ValidationStep[],
): Promise<{ criteria: Promise<void> }> {
  const name = 'validações';
  const t0 = nowMs();
  const note = (step: string, a: Answer, at: number) =>
    steps.push({ step, ms: a.ms, atMs: at - t0 });
  // A virtual user keeps its connections (Gatling's default): `agent` is the user's own, or
  // false for a one-request user, which opens a connection for its one request.
  const post = async (
    step: string,
    id: number,
    body: unknown,
    expected: readonly number[],
    check?: Check,
    agent: http.Agent | false = false,
  ) => {
    const at = nowMs();
    const a = await send(t, 'POST', `/clientes/${id}/transacoes`, JSON.stringify(body), agent);
    rec.record(outcome(name, a, expected, check), at);
    note(step, a, at);
    return a;
  };
  const extrato = async (
    step: string,
    id: number,
    check: Check,
    agent: http.Agent | false = false,
  ) => {
    const at = nowMs();
    const a = await send(t, 'GET', `/clientes/${id}/extrato`, undefined, agent);
    rec.record(outcome(name, a, [200], check), at);
    note(step, a, at);
    return a;
  };

  await Promise.all(
    Array.from({ length: 25 }, () =>
      post('debits burst', 1, { valor: 1, tipo: 'd', descricao: 'debits' }, [200]),
    ),
  );
  await extrato('extrato after debits', 1, totalIs(-25));
  await Promise.all(
    Array.from({ length: 25 }, () =>
      post('credits burst', 1, { valor: 1, tipo: 'c', descricao: 'credits' }, [200]),
    ),
  );
  await extrato('extrato after credits', 1, totalIs(0));

  const perClient = async (id: number) => {
    const vu = new http.Agent({ keepAlive: true, maxSockets: GATLING_CONNECTIONS_PER_HOST });
    try {
      const c = `client ${id}`;
      await extrato(`${c}: initial extrato`, id, initialExtratoCheck(LIMITS[id]!), vu);
      const toma = { valor: 1, tipo: 'c', descricao: 'toma' };
      await post(`${c}: toma`, id, toma, [200], transactionCheck, vu);
      const devolve = { valor: 1, tipo: 'd', descricao: 'devolve' };
      await post(`${c}: devolve`, id, devolve, [200], transactionCheck, vu);
      await extrato(`${c}: order`, id, orderCheck, vu);
      const credit = { valor: 1, tipo: 'c', descricao: 'danada' };
      const danada = parse(await post(`${c}: danada`, id, credit, [200], transactionCheck, vu));
      await Promise.all(
        Array.from({ length: 4 }, () =>
          extrato(`${c}: read your writes`, id, readYourWritesCheck(danada), vu),
        ),
      );
      for (const bad of INVALID_TRANSACTIONS)
        await post(`${c}: invalid`, id, bad, [422, 400], undefined, vu);
    } finally {
      vu.destroy();
    }
  };
  const notFound = (async () => {
    const at = nowMs();
    const a = await send(t, 'GET', '/clientes/6/extrato');
    rec.record(outcome(name, a, [404]), at);
    note('unknown client', a, at);
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
  const steps: ValidationStep[] = [];
  const { criteria } = await validation(t, rec, steps);
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
  return {
    rec,
    generator: monitor.stop(),
    plannedLoadRequests: plan.length,
    loadSec,
    validation: steps,
  };
}
