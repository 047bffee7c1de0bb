// Raw HTTP/1.1 over TCP or a unix socket, byte for byte as a hostile client writes it: no
// client library tidies the request line, headers or body. Bounded: every exchange ends within
// its timeout, answered or not.
import net from 'node:net';

export type RawTarget = { readonly port: number } | { readonly socketPath: string };

export interface RawAnswer {
  /** The status of the first response line, or 0 when none came (closed, or timed out). */
  readonly status: number;
  readonly text: string;
}

export function rawExchange(
  t: RawTarget,
  request: Buffer | string,
  timeoutMs = 2_000,
): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const c = 'port' in t ? net.connect(t.port, '127.0.0.1') : net.connect(t.socketPath);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      c.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text });
    };
    const timer = setTimeout(finish, timeoutMs);
    c.on('data', (d) => {
      chunks.push(d);
      // One answer is enough: stop once its head and declared body are in.
      const text = Buffer.concat(chunks).toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      if (head === -1) return;
      const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, head));
      if (len && text.length >= head + 4 + Number(len[1])) finish();
    });
    c.on('error', finish);
    c.on('close', finish);
    c.on('connect', () => c.write(request));
  });
}

/** A request the normal way: request line, Host, the given headers, a body with its length. */
export function request(
  method: string,
  path: string,
  body?: string,
  headers: readonly string[] = [],
): string {
  const b = body ?? '';
  const len = body === undefined ? [] : [`content-length: ${Buffer.byteLength(b)}`];
  return [
    `${method} ${path} HTTP/1.1`,
    'host: x',
    'connection: close',
    ...headers,
    ...len,
    '',
    b,
  ].join('\r\n');
}
