// Small helpers shared by the HTTP adapters: JSON responses with an exact content-length and a
// bounded body reader (bodies beyond the limit are refused, never buffered).
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJson(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
  });
  res.end(body);
}

export function sendError(res: ServerResponse, status: number, message: string): void {
  sendJson(res, status, JSON.stringify({ error: message }));
}

/** An empty answer (202 for an accepted payment, 204 for a peer message). */
export function sendEmpty(res: ServerResponse, status: number): void {
  res.writeHead(status, { 'content-length': 0 });
  res.end();
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body larger than ${limit} bytes`);
  }
}

/**
 * Reads a request body's bytes, rejecting with BodyTooLarge past maxBytes. Bytes, not text: the
 * parser decides what invalid UTF-8 means (shared/json.ts refuses it).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (declared > maxBytes) {
      req.resume();
      reject(new BodyTooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge(maxBytes));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
    // A client that goes away mid-body: the promise settles, nothing waits forever.
    req.on('close', () => {
      if (!req.complete) reject(new Error('client closed the connection mid-body'));
    });
  });
}

/**
 * Reads a body or answers for it: 413 and `connection: close` past the limit (the rest of the
 * body is not read), the connection dropped if the client broke it. undefined when answered.
 */
export async function bodyOrAnswer(
  req: IncomingMessage,
  res: ServerResponse,
  maxBytes: number,
  answer413: (res: ServerResponse, message: string) => void = (r, m) => sendError(r, 413, m),
): Promise<Buffer | undefined> {
  try {
    return await readBody(req, maxBytes);
  } catch (err) {
    if (err instanceof BodyTooLarge) {
      res.setHeader('connection', 'close');
      answer413(res, err.message);
    } else res.destroy();
    return undefined;
  }
}
