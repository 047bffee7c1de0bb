// The other API instance, reached over its private unix socket (http/private.ts): its part of the
// summary, purge, health sharing and liveness (for the health-poller fail-over).
import { Client } from 'undici';
import type { Health, ProcessorName } from '../core/policy.js';
import type { Summary, Totals } from '../store/store.js';

const PEER_TIMEOUT_MS = 1_000;

export class Peer {
  private readonly client: Client;

  constructor(readonly socketPath: string) {
    this.client = new Client('http://peer', {
      socketPath,
      connect: { timeout: PEER_TIMEOUT_MS },
      headersTimeout: PEER_TIMEOUT_MS,
      bodyTimeout: PEER_TIMEOUT_MS,
      pipelining: 1,
    });
  }

  private async request(
    method: 'GET' | 'POST',
    path: string,
    body?: string,
  ): Promise<{ status: number; text: string } | undefined> {
    try {
      const r = await this.client.request({
        method,
        path,
        ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      });
      return { status: r.statusCode, text: await r.body.text() };
    } catch {
      return undefined;
    }
  }

  async summary(query: string): Promise<Summary | undefined> {
    const r = await this.request('GET', `/internal/summary${query === '' ? '' : `?${query}`}`);
    if (r?.status !== 200) return undefined;
    return parseSummary(r.text);
  }

  /** Hands payments to their owner ("id:cents" lines); undefined when the peer did not answer. */
  async adopt(lines: readonly string[]): Promise<{ full: string[] } | undefined> {
    const r = await this.request('POST', '/internal/adopt', lines.join('\n'));
    if (r?.status !== 200) return undefined;
    try {
      const v = JSON.parse(r.text) as { full?: unknown };
      return Array.isArray(v.full)
        ? { full: v.full.filter((x): x is string => typeof x === 'string') }
        : undefined;
    } catch {
      return undefined;
    }
  }

  async purge(): Promise<boolean> {
    return (await this.request('POST', '/internal/purge'))?.status === 200;
  }

  async shareHealth(name: ProcessorName, health: Health): Promise<void> {
    await this.request('POST', '/internal/health', JSON.stringify({ name, health }));
  }

  async alive(): Promise<boolean> {
    return (await this.request('GET', '/internal/ping'))?.status === 200;
  }

  close(): Promise<void> {
    return this.client.close();
  }
}

const isTotals = (t: unknown): t is Totals =>
  typeof t === 'object' &&
  t !== null &&
  Number.isSafeInteger((t as Totals).count) &&
  (t as Totals).count >= 0 &&
  Number.isSafeInteger((t as Totals).cents);

/** The peer's part of a summary, or undefined when it is not one (never a partial sum). */
export function parseSummary(text: string): Summary | undefined {
  try {
    const v = JSON.parse(text) as Record<string, unknown>;
    return isTotals(v.default) && isTotals(v.fallback)
      ? { default: v.default, fallback: v.fallback }
      : undefined;
  } catch {
    return undefined;
  }
}
