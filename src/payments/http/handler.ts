// HTTP adapter of the payments backend: POST /payments (validate, enqueue, 202 — never outbound
// work on the request path), GET /payments-summary (this instance's records merged with the
// peer's), POST /purge-payments, and the internal endpoints the peer instance calls.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseInstant } from '../../processor/core/payment.js';
import { parsePaymentRequest, MAX_BODY_BYTES } from '../core/payment.js';
import type { Dispatcher } from '../engine/dispatcher.js';
import type { Peer } from './peer.js';
import { addSummaries, renderSummary, type PaymentRecords, type Summary } from '../store/store.js';
import { BodyTooLarge, readBody, sendError, sendJson } from '../../http/respond.js';
import type { Health, ProcessorName } from '../core/policy.js';

/** The durable log's door (--durable): a payment is accepted once it is in the log. */
export interface DurableDoor {
  add(correlationId: string, cents: number): Promise<boolean>;
  purge(): Promise<void>;
}

export interface PaymentsHandlerOptions {
  readonly dispatcher: Dispatcher;
  readonly durable?: DurableDoor;
  readonly records: PaymentRecords;
  readonly peer?: Peer;
  readonly onPeerHealth?: (name: ProcessorName, h: Health) => void;
  readonly log?: (m: string) => void;
}

function range(url: URL): { ok: true; from?: number; to?: number } | { ok: false } {
  const f = url.searchParams.get('from');
  const t = url.searchParams.get('to');
  const from = f ? parseInstant(f) : undefined;
  const to = t ? parseInstant(t) : undefined;
  if ((f && from === undefined) || (t && to === undefined)) return { ok: false };
  return { ok: true, ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

const summaryJson = (s: Summary) => JSON.stringify({ default: s.default, fallback: s.fallback });

export function createPaymentsHandler(o: PaymentsHandlerOptions) {
  const log = o.log ?? (() => {});

  async function postPayment(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: string;
    try {
      raw = await readBody(req, MAX_BODY_BYTES);
    } catch (err) {
      if (err instanceof BodyTooLarge) sendError(res, 413, err.message);
      else res.destroy();
      return;
    }
    const p = parsePaymentRequest(raw);
    if (!p.ok) return sendError(res, 400, p.error);
    if (o.durable === undefined) {
      if (!o.dispatcher.accept(p.value.correlationId, p.value.cents))
        return sendError(res, 503, 'backlog full, try again later');
    } else {
      let added: boolean;
      try {
        added = await o.durable.add(p.value.correlationId, p.value.cents);
      } catch (err) {
        log(`durable log: ${(err as Error).message}`);
        return sendError(res, 503, 'cannot accept payments now (log unavailable)');
      }
      if (!added) return sendError(res, 503, 'backlog full, try again later');
    }
    res.writeHead(202, { 'content-length': 0 });
    res.end();
  }

  async function summary(res: ServerResponse, url: URL, includePeer: boolean): Promise<void> {
    const r = range(url);
    if (!r.ok) return sendError(res, 400, 'from and to must be ISO-8601 date-times');
    let s: Summary;
    try {
      s = await o.records.summary(r.from, r.to);
    } catch (err) {
      log(`summary: ${(err as Error).message}`);
      return sendError(res, 503, 'store unavailable');
    }
    if (!includePeer) return sendJson(res, 200, summaryJson(s));
    if (o.peer !== undefined && !o.records.shared) {
      const theirs = await o.peer.summary(url.search);
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

  async function purge(res: ServerResponse, includePeer: boolean): Promise<void> {
    o.dispatcher.purge();
    // A shared store is purged once, by whoever got the request; the peer drops its queue only.
    if (includePeer || !o.records.shared) await o.records.purge();
    if (includePeer) await o.durable?.purge();
    if (includePeer && o.peer !== undefined && !(await o.peer.purge()))
      log('purge: the other instance did not answer');
    sendJson(res, 200, '{"message":"purged"}');
  }

  async function peerHealth(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const b = JSON.parse(await readBody(req, MAX_BODY_BYTES)) as {
        name?: unknown;
        health?: Health;
      };
      if ((b.name === 'default' || b.name === 'fallback') && b.health !== undefined)
        o.onPeerHealth?.(b.name, b.health);
      res.writeHead(204).end();
    } catch {
      sendError(res, 400, 'bad health message');
    }
  }

  return (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname;
    const m = req.method;
    if (path === '/payments' && m === 'POST') return void postPayment(req, res);
    if (path === '/payments-summary' && m === 'GET') return void summary(res, url, true);
    if (path === '/purge-payments' && m === 'POST') return void purge(res, true);
    if (path === '/internal/summary' && m === 'GET') return void summary(res, url, false);
    if (path === '/internal/purge' && m === 'POST') return void purge(res, false);
    if (path === '/internal/health' && m === 'POST') return void peerHealth(req, res);
    if (path === '/internal/ping' && m === 'GET') return sendJson(res, 200, '{"ok":true}');
    req.resume();
    sendError(res, 404, 'not found');
  };
}
