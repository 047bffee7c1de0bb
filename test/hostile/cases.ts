// Hostile requests, generated: request lines, paths, headers, bodies and query strings a careless
// or malicious client sends, in full Unicode (lone surrogates included) and raw bytes. Each case
// is the exact bytes written to the socket.
import fc from 'fast-check';

const CRLF = '\r\n';

const methods = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS', 'PATCH'),
  },
  { weight: 1, arbitrary: fc.constantFrom('CONNECT', 'TRACE', 'get', 'P OST', '', 'GET\u0000') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 12 }) },
);

/** Paths near the real ones (so the routers are reached), and far from them. */
function paths(real: readonly string[]) {
  const near = fc
    .tuple(
      fc.constantFrom(...real),
      fc.constantFrom(
        '',
        '/',
        '//',
        '?',
        '#',
        '%00',
        '%2e%2e/',
        '/..',
        '\\',
        '%',
        '%zz',
        ';a=b',
        '?from=2025-02-30T00:00:00Z&to=x',
      ),
    )
    .map(([p, s]) => p + s);
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...real) },
    { weight: 4, arbitrary: near },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '/',
        '//',
        '/\\',
        '/%00',
        '*',
        'http://x/',
        '/internal/purge',
        '/internal/health',
        '/internal/summary',
        '/internal/adopt',
        '/admin/purge-payments',
        '/clientes/6/extrato',
        '/clientes/-1/extrato',
        '/clientes/99999999999999999999/extrato',
        '/clientes/1e3/extrato',
        '/clientes/0x1/extrato',
        '/clientes/١/extrato',
      ),
    },
    { weight: 2, arbitrary: fc.webPath() },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => `/${s}`) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => `/${'a'.repeat(n)}`),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...real), fc.string({ unit: 'binary', maxLength: 60 }))
        .map(([p, q]) => `${p}?${q}`),
    },
  );
}

/** JSON-ish bodies: valid shapes with wrong types, malformed text, deep nesting, huge numbers. */
function bodies(shapes: readonly Record<string, unknown>[]) {
  const wrongTyped = fc
    .tuple(
      fc.constantFrom(...shapes),
      fc.dictionary(fc.constantFrom(...Object.keys(Object.assign({}, ...shapes))), fc.jsonValue()),
    )
    .map(([s, patch]) => JSON.stringify({ ...s, ...patch }));
  return fc.oneof(
    { weight: 3, arbitrary: wrongTyped },
    { weight: 2, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? '') },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 1, max: 3_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
    },
    {
      weight: 1,
      arbitrary: fc
        .integer({ min: 1, max: 1_500 })
        .map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '{"valor":1e400,"tipo":"c","descricao":"x"}',
        '{"valor":-0,"tipo":"d","descricao":"x"}',
        '{"amount":1e308,"correlationId":"00000000-0000-4000-8000-000000000000"}',
        '{"__proto__":{"valor":1},"tipo":"c"}',
        '{"valor":1,"tipo":"c","descricao":"\\ud800"}',
        '{"valor":1,"tipo":"c","descricao":"a\\u0000"}',
        '{"amount":0.001,"correlationId":"00000000-0000-4000-8000-000000000001"}',
        '{"valor":1,"valor":2,"tipo":"c","descricao":"dup"}',
        'null',
        '""',
        '[]',
        '{}',
        '{',
        '\u0000',
        '\ufeff{}',
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constant(
        Buffer.from([0x7b, 0xff, 0xfe, 0xed, 0xa0, 0x80, 0x7d]).toString('latin1'),
      ),
    },
  );
}

const headerName = fc.oneof(
  fc.constantFrom(
    'content-type',
    'x-rinha-token',
    'transfer-encoding',
    'expect',
    'connection',
    'upgrade',
    'x-forwarded-for',
    'cookie',
  ),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 20 }),
);
const headerValue = fc.oneof(
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.constantFrom('chunked', '100-continue', 'websocket', 'close', 'application/json'),
);

/** Special head shapes, each a known way to confuse a parser. */
const specialHeads = fc.constantFrom(
  ['content-length: 5', 'content-length: 7'],
  ['content-length: 5', 'transfer-encoding: chunked'],
  ['transfer-encoding: chunked'],
  ['transfer-encoding: gzip, chunked'],
  ['content-length: -1'],
  ['content-length: 99999999999999999999'],
  ['content-length: 1e3'],
  [`x-big: ${'b'.repeat(9_000)}`],
  Array.from({ length: 300 }, (_, i) => `x-h${i}: v`),
  ['host: a', 'host: b'],
  [' content-length: 3'],
  ['content-length : 3'],
);

export interface HostileCase {
  readonly bytes: Buffer;
  /** A short description for a failure message. */
  readonly label: string;
}

/** An arbitrary hostile request against a system whose real paths and body shapes are given. */
export function hostileCases(
  real: readonly string[],
  shapes: readonly Record<string, unknown>[],
): fc.Arbitrary<HostileCase> {
  const body = bodies(shapes);
  const plain = fc
    .record({
      method: methods,
      path: paths(real),
      headers: fc.array(
        fc.tuple(headerName, headerValue).map(([n, v]) => `${n}: ${v}`),
        { maxLength: 6 },
      ),
      body: fc.option(body, { nil: undefined }),
      version: fc.constantFrom(
        'HTTP/1.1',
        'HTTP/1.1',
        'HTTP/1.1',
        'HTTP/1.0',
        'HTTP/2.0',
        'HTTP/1.1 x',
        '',
      ),
    })
    .map((r) => {
      const b = Buffer.from(r.body ?? '', 'utf8');
      const head = [
        `${r.method} ${r.path} ${r.version}`.trimEnd(),
        'host: x',
        'connection: close',
        ...r.headers,
        ...(r.body === undefined ? [] : [`content-length: ${b.length}`]),
      ];
      return {
        bytes: Buffer.concat([Buffer.from(head.join(CRLF) + CRLF + CRLF, 'utf8'), b]),
        label: `${r.method} ${r.path.slice(0, 60)}`,
      };
    });
  const special = fc
    .record({ path: fc.constantFrom(...real), heads: specialHeads, body: body })
    .map((r) => {
      const head = [`POST ${r.path} HTTP/1.1`, 'host: x', 'connection: close', ...r.heads];
      return {
        bytes: Buffer.from(head.join(CRLF) + CRLF + CRLF + r.body, 'utf8'),
        label: `special head ${r.heads[0]?.slice(0, 40)}`,
      };
    });
  const chunkedGarbage = fc
    .record({
      path: fc.constantFrom(...real),
      chunks: fc.array(
        fc.oneof(
          fc.string({ unit: 'binary-ascii', maxLength: 10 }),
          fc.constantFrom('5\r\nhello\r\n', 'z\r\n', 'ffffffffffff\r\n', '0\r\n\r\n', '3\r\nab'),
        ),
        { minLength: 1, maxLength: 5 },
      ),
    })
    .map((r) => ({
      bytes: Buffer.from(
        `POST ${r.path} HTTP/1.1${CRLF}host: x${CRLF}connection: close${CRLF}transfer-encoding: chunked${CRLF}${CRLF}${r.chunks.join('')}`,
        'latin1',
      ),
      label: 'chunked garbage',
    }));
  const rawBytes = fc
    .uint8Array({ minLength: 1, maxLength: 300 })
    .map((a) => ({ bytes: Buffer.from(a), label: 'raw bytes' }));
  return fc.oneof(
    { weight: 12, arbitrary: plain },
    { weight: 3, arbitrary: special },
    { weight: 2, arbitrary: chunkedGarbage },
    { weight: 1, arbitrary: rawBytes },
  );
}

/** Runs `count` cases `concurrency` at a time; resolves with each case and the status it got. */
export async function fire<T>(
  cases: readonly T[],
  concurrency: number,
  send: (c: T) => Promise<number>,
): Promise<{ c: T; status: number }[]> {
  const out: { c: T; status: number }[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < cases.length) {
        const c = cases[next++]!;
        out.push({ c, status: await send(c) });
      }
    }),
  );
  return out;
}
