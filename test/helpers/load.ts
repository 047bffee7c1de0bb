// Concurrent random transactions for the race and fault tests: every request has a unique
// descricao, so each answer can be matched with the database rows afterwards.
import type { Client } from './http.js';
import { seededRandom } from '../../src/bench/core/random.js';
import { LIMITS } from './crebito.js';

export interface Sent {
  readonly client: number;
  readonly tipo: 'c' | 'd';
  readonly valor: number;
  readonly descricao: string;
  /** HTTP status, or 0 when the request failed without an answer. */
  status: number;
  saldo?: number;
}

/** Deterministic PRNG so a failing run can be replayed with its seed. */
export const rng = seededRandom;

export interface LoadOptions {
  readonly total: number;
  /** Requests in flight at once. */
  readonly concurrency: number;
  readonly seed: number;
  /** Called after each answer (e.g. to kill an instance midway). */
  readonly onProgress?: (done: number) => void;
}

export async function randomTransactions(client: Client, o: LoadOptions): Promise<Sent[]> {
  const rand = rng(o.seed);
  const sent: Sent[] = [];
  for (let i = 0; i < o.total; i++) {
    const tipo = rand() < 0.65 ? 'd' : 'c';
    sent.push({
      client: 1 + Math.floor(rand() * 5),
      tipo,
      valor: 1 + Math.floor(rand() * 10000),
      descricao: `r${o.seed.toString(36)}${i.toString(36)}`.slice(0, 10),
      status: 0,
    });
  }
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < sent.length) {
      const s = sent[next++]!;
      try {
        const r = await client.post(`/clientes/${s.client}/transacoes`, {
          valor: s.valor,
          tipo: s.tipo,
          descricao: s.descricao,
        });
        s.status = r.status;
        if (r.status === 200) s.saldo = r.json<{ saldo: number }>().saldo;
      } catch {
        s.status = 0;
      }
      o.onProgress?.(++done);
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  return sent;
}

export function signed(s: { tipo: 'c' | 'd'; valor: number }): bigint {
  return s.tipo === 'c' ? BigInt(s.valor) : -BigInt(s.valor);
}

export { LIMITS };
