// The public endpoints of a Payments instance, the only ones the balancer forwards:
// POST /payments (validate, enqueue, 202 — never outbound work on the request path),
// GET /payments-summary (this instance's records merged with the peer's), POST /purge-payments.
// The instances' own conversation lives on their private sockets (http/private.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../../http/edge.js';
import { bodyOrAnswer, sendEmpty, sendError, sendJson } from '../../http/respond.js';
import { MAX_JSON_BODY_BYTES } from '../../shared/json.js';
import { parsePaymentRequest } from '../core/payment.js';
import type { PaymentDispatcher } from '../engine/dispatcher.js';
import type { PaymentDoor } from '../engine/door.js';
import { addSummaries, renderSummary, type PaymentRecords, type Summary } from '../store/store.js';
import type { Peer } from './peer.js';
import { parseRange } from './range.js';

/** The durable log's door (--durable): a payment is accepted once it is in the log. */
export interface DurableDoor {
  add(correlationId: string, cents: number): Promise<'added' | 'duplicate' | 'full' | 'pending'>;
  purge(): Promise<void>;
}

export interface PublicRouteOptions {
  readonly dispatcher: PaymentDispatcher;
  /** Where accepted payments go without --durable (engine/door.ts). */
  readonly door: PaymentDoor;
  readonly durable?: DurableDoor;
  readonly records: PaymentRecords;
  readonly peer?: Peer;
  readonly log?: (m: string) => void;
}

export function createPublicRoute(o: PublicRouteOptions): Route {
  const log = o.log ?? (() => {});

  async function postPayment(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await bodyOrAnswer(req, res, MAX_JSON_BODY_BYTES);
    if (raw === undefined) return;
    const p = parsePaymentRequest(raw);
    if (!p.ok) return sendError(res, 400, p.error);
    if (o.durable === undefined) {
      // A repeated correlationId is accepted again (2xx) and is still one payment.
      if ((await o.door.accept(p.value.correlationId, p.value.cents)) === 'full')
        return sendError(res, 503, 'backlog full, try again later');
    } else {
      let added;
      try {
        added = await o.durable.add(p.value.correlationId, p.value.cents);
      } catch (err) {
        log(`durable log: ${(err as Error).message}`);
        return sendError(res, 503, 'cannot accept payments now (log unavailable)');
      }
      if (added === 'full') return sendError(res, 503, 'backlog full, try again later');
    }
    sendEmpty(res, 202);
  }

  async function summary(res: ServerResponse, query: string): Promise<void> {
    const r = parseRange(query);
    if (!r.ok) return sendError(res, 400, r.error);
    let s: Summary;
    try {
      s = await o.records.summary(r.value.fromMs, r.value.toMs);
    } catch (err) {
      log(`summary: ${(err as Error).message}`);
      return sendError(res, 503, 'store unavailable');
    }
    if (o.peer !== undefined && !o.records.shared) {
      const theirs = await o.peer.summary(query);
      if (theirs === undefined)
        return sendError(
          res,
          503,
          'the other instance did not answer; the summary would be partial',
        );
      s = addSummaries(s, theirs);
    }
    sendJson(res, 200, renderSummary(s));
  }

  async function purge(res: ServerResponse): Promise<void> {
    o.door.purge?.();
    o.dispatcher.purge();
    try {
      await o.records.purge();
      await o.durable?.purge();
    } catch (err) {
      log(`purge: ${(err as Error).message}`);
      return sendError(res, 503, 'store unavailable; nothing was purged, try again');
    }
    if (o.peer !== undefined && !(await o.peer.purge())) {
      log('purge: the other instance did not answer');
      return sendError(res, 503, 'the other instance did not purge; try again');
    }
    sendJson(res, 200, '{"message":"purged"}');
  }

  return (req, res, { path, query }) => {
    const m = req.method;
    if (path === '/payments') {
      if (m === 'POST') return postPayment(req, res);
      return methodNotAllowed(req, res, 'POST');
    }
    if (path === '/payments-summary') {
      req.resume();
      if (m === 'GET') return summary(res, query);
      return methodNotAllowed(req, res, 'GET');
    }
    if (path === '/purge-payments') {
      req.resume();
      if (m === 'POST') return purge(res);
      return methodNotAllowed(req, res, 'POST');
    }
    req.resume();
    sendError(res, 404, 'not found');
  };
}

function methodNotAllowed(req: IncomingMessage, res: ServerResponse, allowed: string): void {
  req.resume();
  res.setHeader('allow', allowed);
  sendError(res, 405, `use ${allowed}`);
}
