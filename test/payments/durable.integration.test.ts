// --durable: kill -9 of an instance in the middle of a burst, while it holds payments in its queue
// and has others in flight at a slow processor. Every accepted payment must end up stored exactly
// once, on one processor, and the summary must equal the processors'.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { startProcessor, type RunningProcessor } from '../../src/processor/server.js';
import { upPayments } from '../../src/payments/stack.js';
import { waitUntil } from '../../src/stack/stack.js';

const T = { 'x-rinha-token': '123', 'content-type': 'application/json' };
const admin = (p: RunningProcessor, what: 'failure' | 'delay', value: boolean | number) =>
  request(`${p.url}/admin/configurations/${what}`, {
    method: 'PUT',
    headers: T,
    body: JSON.stringify({ [what]: value }),
  }).then((r) => r.body.dump());
interface Totals {
  totalRequests: number;
  totalAmount: number;
}
const getJson = async <J>(url: string, headers: Record<string, string> = {}) =>
  JSON.parse(
    await (await request(url, { headers, headersTimeout: 5_000, bodyTimeout: 5_000 })).body.text(),
  ) as J;
const summaryOf = (url: string) => getJson<Record<'default' | 'fallback', Totals>>(url);
const totalsOf = async (p: RunningProcessor): Promise<Totals> => {
  const t = await getJson<Totals>(`${p.url}/admin/payments-summary`, T);
  return { totalRequests: t.totalRequests, totalAmount: t.totalAmount };
};

/** POSTs `n` payments, `concurrency` at a time; returns the ids answered 2xx and the count of others. */
async function burst(
  api: string,
  n: number,
  concurrency: number,
): Promise<{ accepted: string[]; refused: number }> {
  const accepted: string[] = [];
  let refused = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        next++;
        const id = randomUUID();
        try {
          const r = await request(`${api}/payments`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ correlationId: id, amount: 12.34 }),
          });
          await r.body.dump();
          if (r.statusCode >= 200 && r.statusCode < 300) accepted.push(id);
          else refused++;
        } catch {
          refused++;
        }
      }
    }),
  );
  return { accepted, refused };
}

test('--durable: kill -9 of an instance mid-burst; every accepted payment processed exactly once', async () => {
  const dflt = await startProcessor({ port: 0, fee: '0.05' });
  const fb = await startProcessor({ port: 0, fee: '0.15' });
  const s = await upPayments({
    port: 19994,
    store: 'redis',
    durable: true,
    defaultUrl: dflt.url,
    fallbackUrl: fb.url,
    runDir: mkdtempSync(path.join(os.tmpdir(), 'rinha-durable-')),
    log: () => {},
  });
  const api = `http://127.0.0.1:${s.port}`;
  try {
    // Phase A: both processors failing, so every accepted payment waits in an instance's queue.
    await admin(dflt, 'failure', true);
    await admin(fb, 'failure', true);
    const a = await burst(api, 600, 32);
    assert.equal(a.accepted.length, 600, 'all accepted while both processors fail');
    // Phase B: default comes back, slow; mid-way through a second burst api1 is killed with
    // payments in flight at default and others still in its queue.
    await admin(dflt, 'delay', 1_000);
    await admin(dflt, 'failure', false);
    const second = burst(api, 600, 16);
    await waitUntil(
      'api1 has payments in flight',
      async () => dflt.processor.stats().inProgress > 50,
      { timeoutMs: 10_000, intervalMs: 10 },
    );
    s.stack.service('api1').crash();
    await s.stack.service('api1').exited();
    const b = await second;
    const accepted = [...a.accepted, ...b.accepted];
    await admin(dflt, 'delay', 0);
    await admin(fb, 'failure', false);
    // Everything settles: our summary equals the processors' and holds every accepted payment.
    const theirs = async () => {
      const [d, f] = [await totalsOf(dflt), await totalsOf(fb)];
      return { default: d, fallback: f, total: d.totalRequests + f.totalRequests };
    };
    let last = '';
    await waitUntil(
      'every accepted payment processed and recorded',
      async () => {
        const [o, t] = [await summaryOf(`${api}/payments-summary`), await theirs()];
        last = `ours ${JSON.stringify(o)}, processors' ${JSON.stringify(t)}, accepted ${accepted.length}`;
        return (
          t.total >= accepted.length &&
          o.default.totalRequests === t.default.totalRequests &&
          o.fallback.totalRequests === t.fallback.totalRequests
        );
      },
      { timeoutMs: 40_000, intervalMs: 200 },
    ).catch((err: Error) => {
      throw new Error(
        `${err.message}: ${last}\napi2 log:\n${readFileSync(s.stack.service('api2').spec.logFile, 'utf8').slice(-3_000)}`,
      );
    });
    const [o, t] = [await summaryOf(`${api}/payments-summary`), await theirs()];
    assert.deepEqual(
      o,
      { default: t.default, fallback: t.fallback },
      "summary equals the processors'",
    );
    // A POST that failed at the door (api1 killed under it) may still have been logged: at most those.
    assert.ok(
      t.total <= accepted.length + b.refused,
      `${t.total} stored for ${accepted.length} accepted + ${b.refused} refused`,
    );
    for (const id of accepted) {
      const where = await Promise.all(
        [dflt, fb].map(async (p) => (await request(`${p.url}/payments/${id}`)).statusCode),
      );
      assert.equal(
        where.filter((c) => c === 200).length,
        1,
        `payment ${id} stored on exactly one processor (${where.join(', ')})`,
      );
    }
    const log = readFileSync(s.stack.service('api2').spec.logFile, 'utf8');
    assert.match(log, /took over \d+ payments of api1/, 'api2 took over what api1 held');
  } finally {
    await s.stop();
    await dflt.close();
    await fb.close();
  }
});
