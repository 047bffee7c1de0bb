// HTTP adapter of the ledger: routes the two endpoints of the contract onto the pure core and a
// LedgerStore. No framework: two routes, parsed by hand (see docs/BENCHMARKS.md for the cost).
// It runs behind the shared edge (http/edge.ts), which catches whatever it throws.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ClientAccount, ClientDirectory } from '../core/clients.js';
import { isWithinLimit } from '../core/ledger.js';
import { renderStatement, renderTransactionResult } from '../core/statement.js';
import { parseTransaction } from '../core/transaction.js';
import type { LedgerStore } from '../store/store.js';
import type { Route } from '../../http/edge.js';
import { bodyOrAnswer, sendError, sendJson } from '../../http/respond.js';
import { MAX_JSON_BODY_BYTES } from '../../shared/json.js';

const PREFIX = '/clientes/';

export interface HandlerOptions {
  readonly store: LedgerStore;
  readonly directory: ClientDirectory;
  readonly log?: (msg: string) => void;
}

export function createLedgerHandler({
  store,
  directory,
  log = console.error,
}: HandlerOptions): Route {
  function storeFailed(res: ServerResponse, err: unknown): void {
    log(`store error: ${(err as Error).message}`);
    if (!res.headersSent) sendError(res, 503, 'database unavailable, try again');
  }

  function checked(res: ServerResponse, client: ClientAccount, balance: bigint): boolean {
    if (isWithinLimit(balance, client.limit)) return true;
    // Never answer a balance that breaks the rule: it would be a bug in a store.
    log(`INVARIANT BROKEN: client ${client.id} balance ${balance} below -${client.limit}`);
    sendError(res, 500, 'ledger invariant broken');
    return false;
  }

  async function transact(
    req: IncomingMessage,
    res: ServerResponse,
    client: ClientAccount,
  ): Promise<void> {
    const raw = await bodyOrAnswer(req, res, MAX_JSON_BODY_BYTES);
    if (raw === undefined) return;
    const parsed = parseTransaction(raw);
    if (!parsed.ok) return sendError(res, 422, parsed.error);
    let outcome;
    try {
      outcome = await store.transact(client, parsed.value);
    } catch (err) {
      return storeFailed(res, err);
    }
    if (!outcome.applied) {
      const msg =
        outcome.reason === 'insufficient_limit'
          ? 'insufficient limit: the debit would take saldo below -limite'
          : 'the credit would take saldo past the largest balance kept exactly';
      return sendError(res, 422, msg);
    }
    if (checked(res, client, outcome.balance))
      sendJson(res, 200, renderTransactionResult(outcome.balance, client.limit));
  }

  async function extrato(res: ServerResponse, client: ClientAccount): Promise<void> {
    let statement;
    try {
      statement = await store.statement(client);
    } catch (err) {
      return storeFailed(res, err);
    }
    if (checked(res, client, statement.balance))
      sendJson(res, 200, renderStatement(statement, client.limit, new Date()));
  }

  return (req, res, { path }) => {
    if (!path.startsWith(PREFIX)) return notFound(req, res, 'not found');
    const slash = path.indexOf('/', PREFIX.length);
    if (slash === -1) return notFound(req, res, 'not found');
    const action = path.slice(slash + 1);
    if (action !== 'transacoes' && action !== 'extrato') return notFound(req, res, 'not found');
    const client = directory.lookup(path.slice(PREFIX.length, slash));
    if (client === undefined) return notFound(req, res, 'client not found');
    if (action === 'transacoes') {
      if (req.method !== 'POST') return methodNotAllowed(req, res, 'POST');
      return transact(req, res, client);
    }
    if (req.method !== 'GET') return methodNotAllowed(req, res, 'GET');
    return extrato(res, client);
  };
}

function notFound(req: IncomingMessage, res: ServerResponse, message: string): void {
  req.resume();
  sendError(res, 404, message);
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allowed: string): void {
  req.resume();
  res.setHeader('allow', allowed);
  sendError(res, 405, `use ${allowed}`);
}
