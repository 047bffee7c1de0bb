// The one HTTP edge every server of the project stands behind (the APIs' public and private
// listeners, the simulator): limits set when the server is built, an error boundary around every
// route, and malformed requests answered and their connection closed. Nothing a client sends —
// request line, path, header, body, or the pace it sends them at — can throw out of a listener or
// leave a promise unhandled.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { sendError } from './respond.js';

export interface EdgeLimits {
  /** Largest request head (request line + headers), bytes; beyond it 431 and close. */
  readonly maxHeaderBytes: number;
  /** Time to receive a whole request head; beyond it 408 and close (slow clients). */
  readonly headersTimeoutMs: number;
  /** Time to receive a whole request, head and body; beyond it 408 and close. */
  readonly requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this long (the balancer's pool reconnects). */
  readonly keepAliveTimeoutMs: number;
  /** Open connections at most; beyond it new connections are closed at once. */
  readonly maxConnections: number;
}

export const DEFAULT_EDGE_LIMITS: EdgeLimits = {
  maxHeaderBytes: 8 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 120_000,
  maxConnections: 4_096,
};

/** The request target split into path and query, without `new URL` (which throws on `//`). */
export interface RequestTarget {
  readonly path: string;
  /** Everything after `?`, without it ('' when absent). */
  readonly query: string;
}

export function splitTarget(url: string | undefined): RequestTarget {
  const u = url ?? '/';
  const q = u.indexOf('?');
  return q === -1 ? { path: u, query: '' } : { path: u.slice(0, q), query: u.slice(q + 1) };
}

export type Route = (
  req: IncomingMessage,
  res: ServerResponse,
  target: RequestTarget,
) => void | Promise<void>;

/** What the parser reported, as an HTTP answer (the connection is closed after it). */
function clientErrorStatus(code: string | undefined): number {
  if (code === 'HPE_HEADER_OVERFLOW') return 431;
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') return 408;
  return 400;
}

/** Period of Node's sweep for connections past their header or request deadline. */
const CONNECTIONS_CHECK_MS = 1_000;
/** How long a refused connection may take to read its answer before it is destroyed. */
const CLOSE_GRACE_MS = 1_000;

const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

export interface EdgeOptions {
  readonly limits?: EdgeLimits;
  readonly log?: (m: string) => void;
}

/** Counts of what the edge refused or caught (tests and logs). */
export interface EdgeStats {
  clientErrors: number;
  routeErrors: number;
}

export function createEdge(route: Route, o: EdgeOptions = {}): Server & { edgeStats: EdgeStats } {
  const limits = o.limits ?? DEFAULT_EDGE_LIMITS;
  const log = o.log ?? ((m: string) => console.error(m));
  const stats: EdgeStats = { clientErrors: 0, routeErrors: 0 };

  function failed(res: ServerResponse, err: unknown): void {
    stats.routeErrors++;
    log(`request failed: ${(err as Error)?.stack ?? String(err)}`);
    if (!res.headersSent && !res.destroyed) {
      res.setHeader('connection', 'close');
      sendError(res, 500, 'internal error');
    } else res.destroy();
  }

  const server = createServer(
    {
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // How often the two timeouts above are checked (Node's default, 30 s, lets a slow client
      // hold a connection half a minute past its deadline).
      connectionsCheckingInterval: CONNECTIONS_CHECK_MS,
      // A client that resets mid-request must not take the process with it.
      noDelay: true,
    },
    (req, res) => {
      // A socket error on either side only ends this exchange.
      req.on('error', () => res.destroy());
      res.on('error', () => res.destroy());
      let pending: void | Promise<void>;
      try {
        pending = route(req, res, splitTarget(req.url));
      } catch (err) {
        return failed(res, err);
      }
      if (pending !== undefined) pending.catch((err: unknown) => failed(res, err));
    },
  ) as Server & { edgeStats: EdgeStats };
  server.maxConnections = limits.maxConnections;
  server.edgeStats = stats;
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    stats.clientErrors++;
    if (!socket.writable || (err.code === 'ECONNRESET' && socket.bytesWritten === 0)) {
      socket.destroy();
      return;
    }
    const status = clientErrorStatus(err.code);
    const body = JSON.stringify({ error: STATUS_TEXT[status] ?? 'Bad Request' });
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\ncontent-type: application/json\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    // A client that never reads its answer does not keep the socket open.
    setTimeout(() => socket.destroy(), CLOSE_GRACE_MS).unref();
  });
  return server;
}
