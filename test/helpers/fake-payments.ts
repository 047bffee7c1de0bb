// Small 2025 backends for the bench's own tests. The correct one accepts at once and forwards
// each payment to default (fallback on 500), recording what the processor stored. The wrong one
// loses every 10th payment and records payments default refused as if default had them.
import http from 'node:http';
import { request } from 'undici';

interface Rec {
  at: number;
  cents: number;
}

export async function fakePayments(o: { defaultUrl: string; fallbackUrl: string; wrong: boolean }) {
  const recs: Record<'default' | 'fallback', Rec[]> = { default: [], fallback: [] };
  let n = 0;
  const forward = async (url: string, body: string) =>
    await request(`${url}/payments`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    })
      .then(async (r) => (await r.body.text(), r.statusCode))
      .catch(() => 0);
  const processPayment = async (id: string, amount: number) => {
    const i = n++;
    if (o.wrong && i % 10 === 9) return; // lost
    for (let attempt = 0; attempt < 50; attempt++) {
      const at = new Date();
      const body = JSON.stringify({ correlationId: id, amount, requestedAt: at.toISOString() });
      const d = await forward(o.defaultUrl, body);
      if (d === 200 || d === 422)
        return void recs.default.push({ at: at.getTime(), cents: Math.round(amount * 100) });
      if (o.wrong)
        return void recs.default.push({ at: at.getTime(), cents: Math.round(amount * 100) });
      const f = await forward(o.fallbackUrl, body);
      if (f === 200 || f === 422)
        return void recs.fallback.push({ at: at.getTime(), cents: Math.round(amount * 100) });
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST' && url.pathname === '/payments') {
        const b = JSON.parse(raw) as { correlationId: string; amount: number };
        res.writeHead(202).end();
        void processPayment(b.correlationId, b.amount);
      } else if (url.pathname === '/payments-summary') {
        const from = url.searchParams.get('from')
          ? Date.parse(url.searchParams.get('from')!)
          : -Infinity;
        const to = url.searchParams.get('to') ? Date.parse(url.searchParams.get('to')!) : Infinity;
        const sum = (xs: Rec[]) => {
          const s = xs.filter((x) => x.at >= from && x.at <= to);
          return { totalRequests: s.length, totalAmount: s.reduce((a, x) => a + x.cents, 0) / 100 };
        };
        res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ default: sum(recs.default), fallback: sum(recs.fallback) }));
      } else if (url.pathname === '/purge-payments') {
        recs.default = [];
        recs.fallback = [];
        res.writeHead(200).end();
      } else res.writeHead(404).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
