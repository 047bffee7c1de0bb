// Built-in load balancer, used only when nginx is not installed: round robin per TCP connection
// over the upstreams' unix sockets, skipping an upstream that refuses the connection.
// It forwards bytes, not requests, so keep-alive clients stick to one instance per connection.
import net from 'node:net';

export interface BalancerOptions {
  readonly port: number;
  readonly host?: string;
  /** Unix socket paths of the upstreams. */
  readonly upstreams: readonly string[];
}

export interface Balancer {
  readonly server: net.Server;
  close(): Promise<void>;
}

export async function startBalancer(o: BalancerOptions): Promise<Balancer> {
  if (o.upstreams.length === 0) throw new Error('balancer needs at least one upstream');
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
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
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
    client.setNoDelay(true);
    connect(client, o.upstreams.length);
  });
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
