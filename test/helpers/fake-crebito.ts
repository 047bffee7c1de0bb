// Small in-memory Crébito backends for the bench's own tests: a correct one, and a wrong one
// that lets balances pass the limit and forgets transactions.
import http from 'node:http';

const LIMITS: Record<number, number> = { 1: 100000, 2: 80000, 3: 1000000, 4: 10000000, 5: 500000 };

export async function fakeCrebito(
  wrong: boolean,
): Promise<{ url: string; close: () => Promise<void> }> {
  const saldo: Record<number, number> = { 1: 0, 2: 0, 3: 0, 4: 0, 5: 0 };
  const txs: Record<
    number,
    { valor: number; tipo: string; descricao: string; realizada_em: string }[]
  > = { 1: [], 2: [], 3: [], 4: [], 5: [] };
  const server = http.createServer((req, res) => {
    const m = /^\/clientes\/(\d+)\/(transacoes|extrato)$/.exec(req.url ?? '');
    const id = Number(m?.[1]);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (!m || !(id in LIMITS)) {
      req.resume();
      return send(404, {});
    }
    if (m[2] === 'extrato') {
      return send(200, {
        saldo: { total: saldo[id], data_extrato: new Date().toISOString(), limite: LIMITS[id] },
        ultimas_transacoes: wrong ? [] : txs[id]!.slice(-10).reverse(),
      });
    }
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      let b: { valor?: unknown; tipo?: unknown; descricao?: unknown };
      try {
        b = JSON.parse(raw) as typeof b;
      } catch {
        return send(422, {});
      }
      const ok =
        Number.isInteger(b.valor) &&
        (b.valor as number) > 0 &&
        (b.tipo === 'c' || b.tipo === 'd') &&
        typeof b.descricao === 'string' &&
        b.descricao.length >= 1 &&
        b.descricao.length <= 10;
      if (!ok) return send(422, {});
      const delta = b.tipo === 'c' ? (b.valor as number) : -(b.valor as number);
      if (!wrong && saldo[id]! + delta < -LIMITS[id]!) return send(422, {});
      saldo[id]! += delta;
      txs[id]!.push({
        valor: b.valor as number,
        tipo: b.tipo as string,
        descricao: b.descricao as string,
        realizada_em: new Date().toISOString(),
      });
      send(200, { limite: LIMITS[id], saldo: saldo[id] });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
