// Starts an HTTP server on a unix socket (preferred: no TCP stack between the balancer and us)
// or a loopback port, and stops it cleanly.
import { createServer, type RequestListener, type Server } from 'node:http';
import { chmodSync, rmSync } from 'node:fs';

export type ListenTarget =
  { readonly socket: string } | { readonly port: number; readonly host?: string };

/** The balancer keeps upstream connections open; do not let Node close them first. */
const KEEP_ALIVE_TIMEOUT_MS = 120_000;

export function describeTarget(t: ListenTarget): string {
  return 'socket' in t ? `unix:${t.socket}` : `http://${t.host ?? '127.0.0.1'}:${t.port}`;
}

export async function listen(handler: RequestListener, target: ListenTarget): Promise<Server> {
  const server = createServer({ keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS }, handler);
  server.headersTimeout = KEEP_ALIVE_TIMEOUT_MS + 1000;
  server.requestTimeout = 30_000;
  if ('socket' in target) rmSync(target.socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socket' in target) server.listen(target.socket, resolve);
    else server.listen(target.port, target.host ?? '127.0.0.1', resolve);
  });
  // The balancer may run as another user (nginx workers drop root): let it connect.
  if ('socket' in target) chmodSync(target.socket, 0o666);
  return server;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
