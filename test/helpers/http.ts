// A small HTTP client for tests: a pool of keep-alive connections (undici) plus one-shot
// requests on a fresh connection each (as Gatling's virtual users do).
import { Pool, request as undiciRequest } from 'undici';

export interface Reply {
  readonly status: number;
  readonly body: string;
  json<T = unknown>(): T;
}

function reply(status: number, body: string): Reply {
  return { status, body, json: <T>() => JSON.parse(body) as T };
}

export class Client {
  private readonly pool: Pool;
  constructor(
    readonly origin: string,
    connections = 32,
  ) {
    this.pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 10_000 });
  }

  async get(path: string): Promise<Reply> {
    const r = await this.pool.request({ method: 'GET', path });
    return reply(r.statusCode, await r.body.text());
  }

  async post(path: string, body: unknown): Promise<Reply> {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const r = await this.pool.request({
      method: 'POST',
      path,
      body: raw,
      headers: { 'content-type': 'application/json' },
    });
    return reply(r.statusCode, await r.body.text());
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

/** One request on its own connection (closed after). */
export async function once(
  origin: string,
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
): Promise<Reply> {
  const r = await undiciRequest(origin + path, {
    method,
    reset: true,
    ...(body === undefined
      ? {}
      : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return reply(r.statusCode, await r.body.text());
}
