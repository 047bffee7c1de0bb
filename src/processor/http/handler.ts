// HTTP adapter of the payment-processor simulator: the public and admin endpoints of the
// official processor, with its limiters, delay and failure mode (see ../core).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PaymentLedger } from '../../shared/payment-ledger.js';
import { ConcurrencyLimiter, FixedWindowLimiter } from '../core/limiters.js';
import {
  formatCents,
  formatCentsTimes,
  formatRatio,
  type DecimalRatio,
} from '../../shared/money.js';
import { parsePayment } from '../core/payment.js';
import type { Route } from '../../http/edge.js';
import { bodyOrAnswer, sendJson } from '../../http/respond.js';
import { rangeBound } from '../../shared/instant.js';
import { MAX_JSON_BODY_BYTES, parseJsonObject } from '../../shared/json.js';
import { isUuid } from '../../shared/uuid.js';

export interface ProcessorConfig {
  readonly fee: DecimalRatio;
  readonly token: string;
  readonly rateLimitSeconds: number;
  readonly maxPayments?: number;
  /** Concurrency limiter sizes (the official 800 in progress / 500 waiting by default). */
  readonly maxActive?: number;
  readonly maxQueued?: number;
}

/** Mutable state changed by the admin endpoints. */
interface Settings {
  delayMs: number;
  failing: boolean;
  token: string;
}

/** Largest delay the admin endpoint accepts (the official tests use at most a few seconds). */
export const MAX_DELAY_MS = 600_000;
const OK_BODY = '{"message":"payment processed successfully"}';
const PAYMENTS_PREFIX = '/payments/';

/** decodeURIComponent that never throws (a malformed escape is just an unknown id). */
function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const message = (res: ServerResponse, status: number, text: string) =>
  sendJson(res, status, JSON.stringify({ message: text }));

export interface Processor {
  readonly handler: Route;
  readonly ledger: PaymentLedger;
  /** Requests in progress and waiting, and health-check calls answered / refused (429). */
  stats(): {
    inProgress: number;
    queued: number;
    healthQueued: number;
    healthAnswered: number;
    healthRefused: number;
  };
  close(): void;
}

export function createProcessor(config: ProcessorConfig): Processor {
  const ledger = new PaymentLedger(config.maxPayments);
  const limiter = new ConcurrencyLimiter(config.maxActive, config.maxQueued);
  const health = new FixedWindowLimiter(config.rateLimitSeconds * 1000, 1, 2);
  const settings: Settings = { delayMs: 0, failing: false, token: config.token };
  const fee = formatRatio(config.fee);

  const body = (req: IncomingMessage, res: ServerResponse) =>
    bodyOrAnswer(req, res, MAX_JSON_BODY_BYTES, (r, m) => message(r, 413, m));

  async function jsonBody(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<Record<string, unknown> | undefined> {
    const raw = await body(req, res);
    if (raw === undefined) return undefined;
    const parsed = parseJsonObject(raw);
    if (parsed.ok) return parsed.value;
    message(res, 400, 'body must be a JSON object');
    return undefined;
  }

  function postPayment(req: IncomingMessage, res: ServerResponse): void {
    const admitted = limiter.admit(() => {
      // Delay and failure mode as they are when the request starts (later admin changes apply
      // to later requests only).
      const delayMs = settings.delayMs;
      const failing = settings.failing;
      void body(req, res)
        .then((raw) => {
          if (raw === undefined) return limiter.release();
          const parsed = parsePayment(raw);
          if (!parsed.ok) {
            limiter.release();
            return message(res, 400, parsed.error);
          }
          const finish = () => {
            limiter.release();
            if (failing) return message(res, 500, 'payment processing failed (failure mode is on)');
            const p = parsed.value;
            const r = ledger.add(p.correlationId, p.cents, p.at);
            if (r === 'stored') return sendJson(res, 200, OK_BODY);
            if (r === 'duplicate')
              return message(res, 422, `CorrelationId already exists: ${p.correlationId}`);
            return message(
              res,
              507,
              `the simulator stores at most ${ledger.maxPayments} payments; purge it`,
            );
          };
          if (delayMs > 0) setTimeout(finish, delayMs);
          else finish();
        })
        .catch(() => res.destroy());
    });
    if (!admitted) {
      req.resume();
      message(res, 429, 'too many requests in progress');
    }
  }

  function getPayment(req: IncomingMessage, res: ServerResponse, id: string): void {
    const admitted = limiter.admit(() => {
      limiter.release();
      if (!isUuid(id)) return message(res, 404, 'payment not found');
      const p = ledger.get(id.toLowerCase());
      if (p === undefined) return message(res, 404, 'payment not found');
      sendJson(
        res,
        200,
        `{"correlationId":"${id.toLowerCase()}","amount":${formatCents(BigInt(p.cents))},"requestedAt":"${new Date(p.at).toISOString()}"}`,
      );
    });
    if (!admitted) message(res, 429, 'too many requests in progress');
  }

  let healthAnswered = 0;
  let healthRefused = 0;
  function serviceHealth(res: ServerResponse): void {
    const answer = () => {
      healthAnswered++;
      sendJson(res, 200, `{"failing":${settings.failing},"minResponseTime":${settings.delayMs}}`);
    };
    const r = health.request(answer);
    if (r === 'now') answer();
    else if (r === 'rejected') {
      healthRefused++;
      res.setHeader('retry-after', String(config.rateLimitSeconds));
      message(res, 429, 'health check rate limit exceeded');
    }
  }

  function summary(res: ServerResponse, query: URLSearchParams): void {
    const fromText = query.get('from');
    const toText = query.get('to');
    const from = fromText ? rangeBound(fromText, 'from') : undefined;
    const to = toText ? rangeBound(toText, 'to') : undefined;
    if ((fromText && from === undefined) || (toText && to === undefined))
      return message(res, 400, 'from and to must be ISO-8601 date-times');
    // As the official processor: unless both bounds are given, all payments.
    const t = from === undefined || to === undefined ? ledger.summary() : ledger.summary(from, to);
    const cents = BigInt(t.cents);
    sendJson(
      res,
      200,
      `{"totalRequests":${t.count},"totalAmount":${formatCents(cents)},"totalFee":${formatCentsTimes(cents, config.fee)},"feePerTransaction":${fee}}`,
    );
  }

  async function configure(req: IncomingMessage, res: ServerResponse, what: string): Promise<void> {
    const b = await jsonBody(req, res);
    if (b === undefined) return;
    if (what === 'token') {
      if (typeof b.token !== 'string' || b.token.length === 0)
        return message(res, 400, 'token must be a non-empty string');
      settings.token = b.token;
      res.writeHead(204).end();
    } else if (what === 'delay') {
      const d = b.delay;
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0 || d > MAX_DELAY_MS)
        return message(res, 400, `delay must be an integer from 0 to ${MAX_DELAY_MS}`);
      const was = settings.delayMs;
      settings.delayMs = d;
      sendJson(res, 200, `{"config":"delay","was":${was},"is":${d}}`);
    } else if (what === 'failure') {
      if (typeof b.failure !== 'boolean') return message(res, 400, 'failure must be true or false');
      const was = settings.failing;
      settings.failing = b.failure;
      sendJson(res, 200, `{"config":"failure","was":${was},"is":${b.failure}}`);
    } else message(res, 404, 'not found');
  }

  function admin(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    query: URLSearchParams,
  ): void {
    if (req.headers['x-rinha-token'] !== settings.token) {
      req.resume();
      return message(res, 401, 'missing or invalid X-Rinha-Token');
    }
    if (path === '/admin/payments-summary' && req.method === 'GET') return summary(res, query);
    if (path === '/admin/purge-payments' && req.method === 'POST') {
      req.resume();
      ledger.purge();
      return message(res, 200, 'All payments purged.');
    }
    if (path.startsWith('/admin/configurations/') && req.method === 'PUT')
      return void configure(req, res, path.slice('/admin/configurations/'.length));
    req.resume();
    message(res, 404, 'not found');
  }

  const handler: Route = (req, res, { path, query }) => {
    if (path === '/payments' && req.method === 'POST') return postPayment(req, res);
    if (path === '/payments/service-health' && req.method === 'GET') return serviceHealth(res);
    if (path.startsWith(PAYMENTS_PREFIX) && req.method === 'GET')
      return getPayment(req, res, safeDecode(path.slice(PAYMENTS_PREFIX.length)));
    if (path.startsWith('/admin/')) return admin(req, res, path, new URLSearchParams(query));
    req.resume();
    message(res, 404, 'not found');
  };

  return {
    handler,
    ledger,
    stats: () => ({
      inProgress: limiter.inProgress,
      queued: limiter.queued,
      healthQueued: health.queued,
      healthAnswered,
      healthRefused,
    }),
    close: () => health.close(),
  };
}
