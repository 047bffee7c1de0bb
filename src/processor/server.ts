// Starts a payment-processor simulator: from the CLI (`rinha processor`), from tests, and from
// `rinha up 2025`.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { closeServer, listen } from '../http/listen.js';
import { parseDecimal } from '../shared/money.js';
import { createProcessor, type Processor } from './http/handler.js';

export interface ProcessorOptions {
  readonly port: number;
  readonly host?: string;
  /** Fee per transaction as a decimal string, e.g. "0.05". */
  readonly fee: string;
  readonly token?: string;
  readonly rateLimitSeconds?: number;
  readonly maxPayments?: number;
  readonly maxActive?: number;
  readonly maxQueued?: number;
  /**
   * Serve this processor (its payments and settings) instead of a new one: a restart of the
   * process that keeps its database, as the official processor's PostgreSQL does (tests).
   */
  readonly reuse?: Processor;
}

export interface RunningProcessor {
  readonly server: Server;
  readonly url: string;
  readonly processor: Processor;
  close(): Promise<void>;
  /** Stops answering at once, connections cut (the processor's payments stay, for `reuse`). */
  crash(): void;
}

export const DEFAULT_TOKEN = '123';
export const DEFAULT_RATE_LIMIT_SECONDS = 5;

export async function startProcessor(o: ProcessorOptions): Promise<RunningProcessor> {
  const rateLimitSeconds = o.rateLimitSeconds ?? DEFAULT_RATE_LIMIT_SECONDS;
  assert(rateLimitSeconds > 0, 'rate limit window must be positive');
  const processor =
    o.reuse ??
    createProcessor({
      fee: parseDecimal(o.fee),
      token: o.token ?? DEFAULT_TOKEN,
      rateLimitSeconds,
      ...(o.maxPayments === undefined ? {} : { maxPayments: o.maxPayments }),
      ...(o.maxActive === undefined ? {} : { maxActive: o.maxActive }),
      ...(o.maxQueued === undefined ? {} : { maxQueued: o.maxQueued }),
    });
  const host = o.host ?? '127.0.0.1';
  const server = await listen(processor.handler, { port: o.port, host });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : o.port;
  return {
    server,
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    processor,
    async close() {
      processor.close();
      await closeServer(server);
    },
    crash() {
      // As kill -9 would: every connection cut at once, nothing answered.
      server.closeAllConnections();
      server.close();
    },
  };
}
