// The per-client affinity through a real nginx: two stub upstreams that answer their own name,
// the Crébito topology's affinity, and requests on new connections as the official test sends.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { CREBITO_CLIENT_AFFINITY } from '../../src/crebito/topology.js';
import { findNginx, renderNginxConf } from '../../src/stack/nginx.js';
import { once } from '../helpers/http.js';

const PORT = 19961;
/** How long nginx may take to answer its first request. */
const START_DEADLINE_MS = 10_000;

let dir: string;
let nginx: ChildProcess | undefined;
const stubs: http.Server[] = [];

async function stub(name: string, socket: string): Promise<void> {
  const server = http.createServer((_req, res) => res.end(name));
  stubs.push(server);
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  chmodSync(socket, 0o777);
}

async function servedBy(p: string): Promise<string> {
  const r = await once(`http://127.0.0.1:${PORT}`, 'GET', p);
  assert.equal(r.status, 200, `${p}: status ${r.status}`);
  return r.body;
}

before(async () => {
  const bin = findNginx();
  assert(bin !== undefined, 'nginx is not installed (scripts/system-deps.sh installs it)');
  dir = mkdtempSync(path.join(os.tmpdir(), 'rinha-affinity-'));
  chmodSync(dir, 0o755);
  const sockets = ['api1', 'api2'].map((n) => path.join(dir, `${n}.sock`));
  await stub('api1', sockets[0]!);
  await stub('api2', sockets[1]!);
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    renderNginxConf({
      port: PORT,
      listenHost: '127.0.0.1',
      upstreams: sockets.map((s) => `unix:${s}`),
      workerProcesses: 1,
      workerConnections: 64,
      upstreamKeepalive: 4,
      runtimeDir: dir,
      affinity: CREBITO_CLIENT_AFFINITY,
      ...(process.getuid?.() === 0 ? { user: 'root root' } : {}),
    }),
  );
  nginx = spawn(bin, ['-e', 'stderr', '-p', dir, '-c', conf], { stdio: 'ignore' });
  const deadline = Date.now() + START_DEADLINE_MS;
  for (;;) {
    const r = await once(`http://127.0.0.1:${PORT}`, 'GET', '/').catch(() => undefined);
    if (r?.status === 200) break;
    assert(Date.now() < deadline, 'nginx did not answer within 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
});

after(async () => {
  if (nginx?.pid !== undefined && nginx.exitCode === null) {
    const exited = new Promise((r) => nginx!.once('exit', r));
    nginx.kill('SIGTERM');
    await exited;
  }
  await Promise.all(stubs.filter((s) => s.listening).map((s) => new Promise((r) => s.close(r))));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('each client is always served by its own API, whatever the endpoint', async () => {
  const expected: Record<string, string> = {
    1: 'api1',
    2: 'api2',
    3: 'api1',
    4: 'api2',
    5: 'api1',
  };
  for (const [id, api] of Object.entries(expected))
    for (let i = 0; i < 6; i++) {
      assert.equal(await servedBy(`/clientes/${id}/extrato`), api, `client ${id} extrato`);
      assert.equal(await servedBy(`/clientes/${id}/transacoes`), api, `client ${id} transacoes`);
    }
});

test('unknown clients and other paths are balanced over both APIs', async () => {
  for (const p of ['/clientes/6/extrato', '/clientes/15/extrato', '/clientes/1x/extrato', '/']) {
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) seen.add(await servedBy(p));
    assert.deepEqual([...seen].sort(), ['api1', 'api2'], p);
  }
});

test('while an API is down its clients are served by the other one', async () => {
  const api1 = stubs[0]!;
  await new Promise((r) => api1.close(r));
  for (const id of [1, 3, 5])
    for (let i = 0; i < 3; i++)
      assert.equal(await servedBy(`/clientes/${id}/extrato`), 'api2', `client ${id}`);
  assert.equal(await servedBy('/clientes/2/extrato'), 'api2');
});
