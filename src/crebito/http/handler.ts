// HTTP adapter of the ledger: routes the two endpoints of the contract onto the pure core and a
// LedgerStore. No framework: two routes, parsed by hand (see docs/BENCHMARKS.md for the cost).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ClientDirectory, type ClientAccount } from '../core/clients.js';
import { isWithinLimit } from '../core/ledger.js';
import { renderStatement, renderTransactionResult } from '../core/statement.js';
import { MAX_BODY_BYTES, parseTransaction } from '../core/transaction.js';
import type { LedgerStore } from '../store/store.js';
import { BodyTooLarge, readBody, sendError, sendJson } from '../../http/respond.js';

const PREFIX = '/clientes/';

export interface HandlerOptions {
  readonly store: LedgerStore;
  readonly directory: ClientDirectory;
  readonly log?: (msg: string) => void;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function createLedgerHandler({
  store,
  directory,
  log = console.error,
}: HandlerOptions): Handler {
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
    let raw: string;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) {
        res.setHeader('connection', 'close');
        sendError(res, 413, err.message);
      } else res.destroy();
      return;
    }
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
          ? 'saldo insuficiente: limite excedido'
          : 'saldo excederia o máximo representável';
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

  return (req, res) => {
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const pathname = q === -1 ? url : url.slice(0, q);
    if (!pathname.startsWith(PREFIX)) return sendError(res, 404, 'not found');
    const slash = pathname.indexOf('/', PREFIX.length);
    if (slash === -1) return sendError(res, 404, 'not found');
    const action = pathname.slice(slash + 1);
    if (action !== 'transacoes' && action !== 'extrato') return sendError(res, 404, 'not found');
    const client = directory.lookup(pathname.slice(PREFIX.length, slash));
    if (client === undefined) {
      req.resume();
      return sendError(res, 404, 'cliente não encontrado');
    }
    if (action === 'transacoes') {
      if (req.method !== 'POST') return sendError(res, 405, 'use POST');
      void transact(req, res, client);
    } else {
      if (req.method !== 'GET') return sendError(res, 405, 'use GET');
      void extrato(res, client);
    }
  };
}
