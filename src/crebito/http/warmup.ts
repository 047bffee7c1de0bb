// What a Crébito instance serves before it is ready (http/warmup.ts): every endpoint's path,
// and none that changes a balance — extratos, debits far beyond any limit (the transaction
// statement runs and matches no row), invalid bodies, an unknown client. The instance's own
// warm-up also sends accepted credits and debits, served by a store that rolls each back
// (store.ts `rehearsing`): the 25 concurrent debits that open the official test are the first
// accepted writes an instance sees, and they should not be its first compilation of that path.
import type { WarmRequest } from '../../http/warmup.js';
import type { ClientAccount } from '../core/clients.js';
import { MAX_VALOR } from '../core/transaction.js';

/** Times the list is sent: enough for the JIT to compile the hot paths (measured: BENCHMARKS). */
export const WARMUP_ROUNDS = 40;

export interface WarmRequestOptions {
  /** Add accepted credits and debits: only for a route whose store rehearses them. */
  readonly rehearsedWrites?: boolean;
}

export function crebitoWarmRequests(
  clients: readonly ClientAccount[],
  o: WarmRequestOptions = {},
): WarmRequest[] {
  const out: WarmRequest[] = [];
  for (const c of clients) {
    if (o.rehearsedWrites)
      for (const tipo of ['c', 'd'])
        out.push({
          method: 'POST',
          path: `/clientes/${c.id}/transacoes`,
          body: JSON.stringify({ valor: 1, tipo, descricao: 'aquecer' }),
          expect: 200,
        });
    out.push({ method: 'GET', path: `/clientes/${c.id}/extrato`, expect: 200 });
    // valor beyond any balance + limit: refused by the ledger rule, nothing written.
    out.push({
      method: 'POST',
      path: `/clientes/${c.id}/transacoes`,
      body: JSON.stringify({ valor: MAX_VALOR, tipo: 'd', descricao: 'aquecer' }),
      expect: 422,
    });
    out.push({
      method: 'POST',
      path: `/clientes/${c.id}/transacoes`,
      body: '{"valor":1.2,"tipo":"c","descricao":"aquecer"}',
      expect: 422,
    });
  }
  out.push({ method: 'GET', path: '/clientes/6/extrato', expect: 404 });
  return out;
}
