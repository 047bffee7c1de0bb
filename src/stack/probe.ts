// HTTP readiness probes over a unix socket or a TCP port.
import http from 'node:http';
import net from 'node:net';
import { RinhaError } from '../errors.js';

export function httpStatus(
  target: { socketPath: string } | { port: number; host?: string },
  urlPath: string,
  timeoutMs = 1000,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        ...('socketPath' in target
          ? { socketPath: target.socketPath }
          : { host: target.host ?? '127.0.0.1', port: target.port }),
        path: urlPath,
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Whether nothing listens on 127.0.0.1:port (we can bind it ourselves). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * Fails fast when a fixed port is taken: readiness probes on it would otherwise be answered by
 * whatever already listens there (an older stack), and the new stack would look ready.
 */
export async function assertPortsFree(
  ports: readonly { port: number; what: string }[],
): Promise<void> {
  for (const { port, what } of ports) {
    if (!(await portFree(port)))
      throw new RinhaError(
        'PORT_IN_USE',
        `port ${port} (${what}) is already in use — another stack still running? (ss -ltnp 'sport = :${port}')`,
      );
  }
}
