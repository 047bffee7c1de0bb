// The private endpoints of a Payments instance, on a socket only the other instance can reach
// (never the balancer's): its part of the summary, purge of its queue (and records when each
// instance keeps its own), health readings shared by the poller, liveness.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Route } from '../../http/edge.js';
import { bodyOrAnswer, sendEmpty, sendError, sendJson } from '../../http/respond.js';
import { MAX_JSON_BODY_BYTES, parseJsonObject } from '../../shared/json.js';
import type { Health, ProcessorName } from '../core/policy.js';
import { validateReading } from '../core/reading.js';
import type { PaymentDispatcher } from '../engine/dispatcher.js';
import type { PaymentDoor } from '../engine/door.js';
import type { PaymentRecords, Summary } from '../store/store.js';
import { parseRange } from './range.js';
import { isUuid } from '../../shared/uuid.js';
import { MAX_AMOUNT_CENTS } from '../../shared/payment-ledger.js';

export interface PrivateRouteOptions {
  readonly dispatcher: PaymentDispatcher;
  /** This instance's door, purged with the queue (what waits there to be forwarded). */
  readonly door?: PaymentDoor;
  readonly records: PaymentRecords;
  readonly onPeerHealth: (name: ProcessorName, h: Health) => void;
  readonly now?: () => number;
  readonly log?: (m: string) => void;
}

/** A forwarded batch: FORWARD_BATCH_MAX lines of about 45 bytes, with room to spare. */
export const MAX_ADOPT_BODY_BYTES = 256 * 1024;

const summaryJson = (s: Summary) => JSON.stringify({ default: s.default, fallback: s.fallback });

export function createPrivateRoute(o: PrivateRouteOptions): Route {
  const log = o.log ?? (() => {});
  const now = o.now ?? Date.now;

  async function summary(res: ServerResponse, query: string): Promise<void> {
    const r = parseRange(query);
    if (!r.ok) return sendError(res, 400, r.error);
    try {
      sendJson(res, 200, summaryJson(await o.records.summary(r.value.fromMs, r.value.toMs)));
    } catch (err) {
      log(`summary for the peer: ${(err as Error).message}`);
      sendError(res, 503, 'store unavailable');
    }
  }

  async function purge(res: ServerResponse): Promise<void> {
    o.door?.purge?.();
    o.dispatcher.purge();
    // A shared store was purged once, by whoever got the public request.
    if (!o.records.shared) {
      try {
        await o.records.purge();
      } catch (err) {
        log(`purge for the peer: ${(err as Error).message}`);
        return sendError(res, 503, 'store unavailable');
      }
    }
    sendJson(res, 200, '{"message":"purged"}');
  }

  /** Payments the other instance accepted whose owner is this one (engine/forwarder.ts). */
  async function adopt(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await bodyOrAnswer(req, res, MAX_ADOPT_BODY_BYTES);
    if (raw === undefined) return;
    const full: string[] = [];
    for (const line of raw.toString('latin1').split('\n')) {
      if (line === '') continue;
      const sep = line.lastIndexOf(':');
      const id = line.slice(0, sep);
      const cents = Number(line.slice(sep + 1));
      if (!isUuid(id) || !Number.isSafeInteger(cents) || cents <= 0 || cents > MAX_AMOUNT_CENTS) {
        log(`peer sent a malformed forwarded payment (${line.slice(0, 80)}); ignored`);
        continue;
      }
      if (o.dispatcher.accept(id.toLowerCase(), cents) === 'full') full.push(line);
    }
    sendJson(res, 200, JSON.stringify({ full }));
  }

  async function health(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await bodyOrAnswer(req, res, MAX_JSON_BODY_BYTES);
    if (raw === undefined) return;
    const body = parseJsonObject(raw);
    const reading = body.ok ? validateReading(body.value, now()) : body;
    if (!reading.ok) return sendError(res, 400, reading.error);
    o.onPeerHealth(reading.value.name, reading.value.health);
    sendEmpty(res, 204);
  }

  return (req, res, { path, query }) => {
    const m = req.method;
    if (path === '/internal/health' && m === 'POST') return health(req, res);
    if (path === '/internal/adopt' && m === 'POST') return adopt(req, res);
    req.resume();
    if (path === '/internal/summary' && m === 'GET') return summary(res, query);
    if (path === '/internal/purge' && m === 'POST') return purge(res);
    if (path === '/internal/ping' && m === 'GET') return sendJson(res, 200, '{"ok":true}');
    sendError(res, 404, 'not found');
  };
}
