// The stack runner as a user drives it: `rinha up 2024` in a child process, stopped by SIGTERM
// (after start-up and during it) or killed with SIGKILL; nothing may be left running.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Stack } from '../../src/stack/stack.js';
import { projectPath } from '../../src/paths.js';

interface Up {
  child: ChildProcess;
  runDir: string;
  output: () => string;
  /** Resolves when the output contains `text`. */
  waitFor: (text: string) => Promise<void>;
  exited: Promise<number | null>;
}

function up(args: string[]): Up {
  const runDir = mkdtempSync(path.join(os.tmpdir(), 'rinha-runner-test-'));
  const child = spawn(
    process.execPath,
    [projectPath('bin/rinha.js'), 'up', '2024', '--run-dir', runDir, ...args],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  const waiters: { text: string; resolve: () => void }[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const w of waiters.filter((x) => out.includes(x.text))) w.resolve();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return {
    child,
    runDir,
    output: () => out,
    exited,
    waitFor: (text) =>
      new Promise<void>((resolve, reject) => {
        if (out.includes(text)) return resolve();
        waiters.push({ text, resolve });
        void exited.then(() => reject(new Error(`exited before "${text}":\n${out}`)));
      }),
  };
}

function startedPids(out: string): number[] {
  return [...out.matchAll(/started \w+ \(pid (\d+)/g)].map((m) => Number(m[1]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('SIGTERM stops every service; the run folder has each log and the peak memory', async () => {
  const u = up(['--store', 'postgres', '--port', '19981']);
  await u.waitFor('ready:');
  const pids = startedPids(u.output());
  assert.equal(pids.length, 4, u.output());
  u.child.kill('SIGTERM');
  assert.equal(await u.exited, 0, u.output());
  for (const pid of pids) assert.equal(alive(pid), false, `pid ${pid} still running`);
  const report = JSON.parse(readFileSync(path.join(u.runDir, 'services.json'), 'utf8')) as {
    services: { name: string }[];
  };
  assert.deepEqual(report.services.map((s) => s.name).sort(), ['api1', 'api2', 'db', 'lb']);
  for (const name of ['db', 'api1', 'api2', 'lb'])
    assert.ok(readFileSync(path.join(u.runDir, `${name}.log`)));
});

test('SIGTERM during start-up stops what was already started', async () => {
  const u = up(['--store', 'postgres', '--port', '19982']);
  await u.waitFor('started db');
  u.child.kill('SIGTERM');
  await u.exited;
  for (const pid of startedPids(u.output()))
    assert.equal(alive(pid), false, `pid ${pid} still running`);
});

test(
  'a runner killed with SIGKILL leaves services that the next run reaps',
  { skip: process.getuid?.() !== 0 && 'needs root (cgroups)' },
  async () => {
    const u = up(['--port', '19983']);
    await u.waitFor('ready:');
    const pids = startedPids(u.output());
    u.child.kill('SIGKILL');
    await u.exited;
    assert.ok(pids.some(alive), 'services outlive a SIGKILLed runner');
    const logs: string[] = [];
    const scratch = readdirSync(os.tmpdir()).filter((e) => e.startsWith(`rinha-${u.child.pid}-`));
    assert.equal(scratch.length, 1, 'the dead runner left its private folder');
    const s = await Stack.open({
      runDir: mkdtempSync(path.join(os.tmpdir(), 'rinha-reap-')),
      limits: true,
      log: (m) => logs.push(m),
      scratchDirs: [os.tmpdir()],
    });
    await s.stop();
    for (const pid of pids)
      assert.equal(alive(pid), false, `pid ${pid} still running after the reap`);
    assert.ok(
      logs.some((l) => l.includes('leftover')),
      logs.join('\n'),
    );
    assert.equal(
      existsSync(path.join(os.tmpdir(), scratch[0]!)),
      false,
      'its private folder is removed',
    );
  },
);

test('the built-in balancer (for machines without nginx) passes the official validation phase', async () => {
  const { upCrebito } = await import('../../src/crebito/stack.js');
  const { officialValidation } = await import('../helpers/crebito.js');
  const s = await upCrebito({
    store: 'sqlite',
    port: 19984,
    balancer: 'builtin',
    runDir: mkdtempSync(path.join(os.tmpdir(), 'rinha-builtin-')),
    log: () => {},
  });
  try {
    assert.equal(s.balancer, 'builtin');
    await officialValidation(`http://127.0.0.1:${s.port}`);
  } finally {
    await s.stop();
  }
});

test('a port already taken is refused up front, naming it, and nothing is left running', async () => {
  const net = await import('node:net');
  const squatter = net.createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const port = (squatter.address() as { port: number }).port;
  try {
    const u = up(['--port', String(port)]);
    assert.notEqual(await u.exited, 0);
    assert.match(u.output(), new RegExp(`port ${port} \\(load balancer\\) is already in use`));
    assert.deepEqual(startedPids(u.output()), [], 'nothing was started');
  } finally {
    squatter.close();
  }
});
