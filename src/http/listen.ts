// Starts an edge server (http/edge.ts) on a unix socket (preferred: no TCP stack between the
// balancer and us) or a loopback port, and stops it cleanly.
import type { Server } from 'node:http';
import { chmodSync, rmSync } from 'node:fs';
import { createEdge, type EdgeOptions, type Route } from './edge.js';

export type ListenTarget =
  | { readonly socket: string; readonly mode?: number }
  | { readonly port: number; readonly host?: string };

/**
 * A public socket: the balancer may run as another user (nginx workers drop root), so any local
 * user may connect; the folder holding it decides who can reach it.
 */
export const PUBLIC_SOCKET_MODE = 0o666;
/** A private socket (instance to instance, Redis): its owner only. */
export const PRIVATE_SOCKET_MODE = 0o600;

export function describeTarget(t: ListenTarget): string {
  return 'socket' in t ? `unix:${t.socket}` : `http://${t.host ?? '127.0.0.1'}:${t.port}`;
}

export async function listen(
  route: Route,
  target: ListenTarget,
  o: EdgeOptions = {},
): Promise<Server> {
  const server = createEdge(route, o);
  if ('socket' in target) rmSync(target.socket, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    if ('socket' in target) server.listen(target.socket, resolve);
    else server.listen(target.port, target.host ?? '127.0.0.1', resolve);
  });
  if ('socket' in target) chmodSync(target.socket, target.mode ?? PUBLIC_SOCKET_MODE);
  return server;
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
