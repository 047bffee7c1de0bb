// Built-in load balancer, used only when nginx is not installed: round robin per TCP connection
// over the upstreams' unix sockets, skipping an upstream that refuses the connection.
// It forwards bytes, not requests, so keep-alive clients stick to one instance per connection;
// HTTP limits are the instances' edge's (http/edge.ts). Its own limits: connections at most,
// and idle connections closed.
import { RinhaError } from '../errors.js';
import net from 'node:net';

export interface BalancerOptions {
  readonly port: number;
  readonly host?: string;
  /** Unix socket paths of the upstreams. */
  readonly upstreams: readonly string[];
  /** Open client connections at most (default BALANCER_MAX_CONNECTIONS). */
  readonly maxConnections?: number;
  /** A connection silent this long in both directions is closed (default BALANCER_IDLE_MS). */
  readonly idleMs?: number;
}

export const BALANCER_MAX_CONNECTIONS = 4_096;
export const BALANCER_IDLE_MS = 75_000;

export interface Balancer {
  readonly server: net.Server;
  close(): Promise<void>;
}

export async function startBalancer(o: BalancerOptions): Promise<Balancer> {
  if (o.upstreams.length === 0)
    throw new RinhaError('INVALID_OPTION', 'the balancer needs at least one --upstream');
  const idleMs = o.idleMs ?? BALANCER_IDLE_MS;
  let next = 0;
  const open = new Set<net.Socket>();

  function connect(client: net.Socket, attemptsLeft: number): void {
    const target = o.upstreams[next]!;
    next = (next + 1) % o.upstreams.length;
    const upstream = net.connect(target);
    upstream.once('connect', () => {
      upstream.removeAllListeners('error');
      client.pipe(upstream).pipe(client);
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      upstream.setTimeout(idleMs, () => upstream.destroy());
      client.resume();
    });
    upstream.once('error', () => {
      upstream.destroy();
      if (attemptsLeft > 1) connect(client, attemptsLeft - 1);
      else client.destroy();
    });
  }

  const server = net.createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.on('error', () => client.destroy());
    client.setTimeout(idleMs, () => client.destroy());
    client.setNoDelay(true);
    connect(client, o.upstreams.length);
  });
  server.maxConnections = o.maxConnections ?? BALANCER_MAX_CONNECTIONS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host ?? '127.0.0.1', resolve);
  });
  return {
    server,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
