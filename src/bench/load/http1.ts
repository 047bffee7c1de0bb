// One HTTP/1.1 request on a connection of its own (closed after), as each Gatling virtual user
// does, or on a given keep-alive agent. Latency = request start to the last byte of the body.
import { RinhaError } from '../../errors.js';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

export interface Answer {
  /** HTTP status, or 0 when no answer came (connection error, timeout). */
  readonly status: number;
  readonly body: string;
  readonly ms: number;
  /** Why there was no answer (ECONNREFUSED, ECONNRESET, timeout…). */
  readonly error?: string;
}

export interface Target {
  readonly host: string;
  readonly port: number;
}

export function parseTarget(url: string): Target {
  const u = new URL(url);
  if (u.protocol !== 'http:')
    throw new RinhaError('INVALID_TARGET', `only http:// targets are supported, got ${url}`);
  return { host: u.hostname, port: Number(u.port || 80) };
}

/** Longest wait for an answer: Gatling's default request timeout is 60 s. */
export const REQUEST_TIMEOUT_MS = 60_000;

export function send(
  t: Target,
  method: 'GET' | 'POST' | 'PUT',
  path: string,
  body?: string,
  agent: http.Agent | false = false,
  headers: http.OutgoingHttpHeaders = {},
  timeoutMs = REQUEST_TIMEOUT_MS,
): Promise<Answer> {
  return new Promise((resolve) => {
    const start = performance.now();
    const req = http.request(
      {
        host: t.host,
        port: t.port,
        method,
        path,
        agent,
        headers:
          body === undefined
            ? headers
            : {
                ...headers,
                'content-type': 'application/json',
                'content-length': Buffer.byteLength(body),
              },
        timeout: timeoutMs,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text, ms: performance.now() - start }),
        );
        res.on('error', (err) =>
          resolve({
            status: 0,
            body: '',
            ms: performance.now() - start,
            error: (err as NodeJS.ErrnoException).code ?? err.message,
          }),
        );
      },
    );
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    req.on('error', (err) =>
      resolve({
        status: 0,
        body: '',
        ms: performance.now() - start,
        error: (err as NodeJS.ErrnoException).code ?? err.message,
      }),
    );
    req.end(body);
  });
}
