// The 2024 bench against small fake backends: a correct one scores full marks; a wrong one
// (balances past the limit, extratos without transactions) is caught and fined.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { BASELINE_PORT, bench2024 } from '../../src/bench/bench2024.js';
import { readDescriptor } from '../../src/stack/descriptor.js';
import { pidAlive } from '../../src/stack/pids.js';
import { upCrebito } from '../../src/crebito/stack.js';
import { fakeCrebito } from '../helpers/fake-crebito.js';

const opts = (target: string) => ({
  target,
  scale: 0.02,
  seed: 7,
  baseline: false,
  reportsBase: mkdtempSync(path.join(os.tmpdir(), 'rinha-bench-')),
  log: () => {},
  progress: false,
});

test('a correct backend, the load after the validations: every request OK, USD 100,000, report written', async () => {
  const fake = await fakeCrebito(false);
  try {
    const { result, dir } = await bench2024({ ...opts(fake.url), loadAfterValidation: true });
    assert.equal(
      result.gatling.count,
      result.expectedRequests,
      'every planned request was sent and answered',
    );
    assert.equal(
      result.expectedRequests,
      123 +
        Math.round(13260 * 0.02) +
        Math.round(26400 * 0.02) +
        Math.round(6660 * 0.02) +
        Math.round(13200 * 0.02) +
        Math.round(660 * 0.02) +
        Math.round(1200 * 0.02),
    );
    assert.equal(result.gatling.ko, 0, JSON.stringify(result.failures));
    assert.equal(result.inconsistencies, 0);
    assert.equal(result.sla.valueUsd, 100000);
    assert.ok(result.timeline.length >= 4);
    // Every validation request is named by its step; the 123 of the original, no more.
    assert.equal(result.validation.requests, 123);
    assert.equal(result.validation.slowest.length, 5);
    assert.ok(result.validation.slowest.every((s) => s.step.length > 0 && s.ms >= 0));
    // Per step, the clients' steps merged: the bursts of 25 and the 5 clients' 4 reads each.
    const step = (name: string) => result.validation.bySteps.find((k) => k.step === name);
    assert.equal(step('debits burst')?.requests, 25);
    assert.equal(step('client N: read your writes')?.requests, 20);
    assert.equal(
      result.validation.bySteps.reduce((n, k) => n + k.requests, 0),
      123,
    );
    const saved = JSON.parse(readFileSync(path.join(dir, 'result.json'), 'utf8')) as {
      sla: { valueUsd: number };
    };
    assert.equal(saved.sla.valueUsd, 100000);
    assert.ok(existsSync(path.join(dir, 'report.html')));
  } finally {
    await fake.close();
  }
});

test("a correct backend in the original's order: the load-start race costs KOs, never a fine", async () => {
  const fake = await fakeCrebito(false);
  try {
    const { result } = await bench2024(opts(fake.url));
    // The load's first debit and credit start with the per-client criteria; one landing between
    // "toma" and the order check fails that check, which the official script does not fine.
    for (const name of Object.keys(result.failures))
      assert.equal(name, 'validações: ultimas_transacoes order', JSON.stringify(result.failures));
    assert.ok(result.gatling.ko <= 2, JSON.stringify(result.failures));
    assert.equal(result.inconsistencies, 0);
    assert.equal(result.sla.valueUsd, 100000);
  } finally {
    await fake.close();
  }
});

test('a wrong backend: the bench finds the inconsistencies and fines them', async () => {
  const fake = await fakeCrebito(true);
  try {
    const { result } = await bench2024(opts(fake.url));
    assert.ok(result.inconsistencies > 0, 'balances below -limite are caught');
    assert.ok(result.gatling.ko > 0);
    assert.ok(
      result.failures['validações: ultimas_transacoes order']! > 0,
      JSON.stringify(result.failures),
    );
    assert.ok(result.sla.inconsistencyFineUsd >= 803.01 * result.inconsistencies - 0.01);
    assert.ok(result.sla.valueUsd < 100000);
  } finally {
    await fake.close();
  }
});

test("against a stack `rinha up` started: the result carries each service's CPU and throttling during the run", async (t) => {
  if (process.getuid?.() !== 0) return t.skip('cgroup limits need root');
  const s = await upCrebito({
    store: 'sqlite',
    port: 19986,
    runDir: mkdtempSync(path.join(os.tmpdir(), 'rinha-bench-stack-')),
    log: () => {},
  });
  try {
    const { result } = await bench2024({
      ...opts(`http://127.0.0.1:${s.port}`),
      loadAfterValidation: true,
    });
    assert.equal(result.inconsistencies, 0);
    const names = (result.stack?.services ?? []).map((x) => x.name).sort();
    assert.deepEqual(names, ['api1', 'api2', 'lb']);
    for (const x of result.stack!.services) {
      assert.equal(typeof x.throttledPeriods, 'number');
      assert.ok(x.cpuSec > 0, `${x.name} used CPU`);
      assert.ok(x.peakMemoryMB > 0 && x.peakMemoryMB <= x.limits.memoryMB);
    }
    assert.equal(typeof result.meta.commit === 'string' || result.meta.commit === null, true);
  } finally {
    await s.stop();
  }
});

test('a bench stopped by SIGTERM during its baseline (twice, as a group kill and `timeout` send it) stops the floor stack it started', async (t) => {
  if (process.getuid?.() !== 0)
    return t.skip('the floor stack needs root (cgroups, service users)');
  const fake = await fakeCrebito(false);
  const reports = mkdtempSync(path.join(os.tmpdir(), 'rinha-bench-sig-'));
  const bench = spawn(
    process.execPath,
    [
      'bin/rinha.js',
      'bench',
      '2024',
      '--baseline',
      '--scale',
      '0.5',
      '--target',
      fake.url,
      '--reports',
      reports,
    ],
    { cwd: path.resolve(import.meta.dirname, '../../..'), stdio: ['ignore', 'ignore', 'pipe'] },
  );
  bench.stderr.setEncoding('utf8');
  let pids: number[] = [];
  try {
    // One iterator for the whole test: leaving a for-await would close the interface.
    const lines = createInterface({ input: bench.stderr })[Symbol.asyncIterator]();
    const until = async (re: RegExp) => {
      for (let r = await lines.next(); !r.done; r = await lines.next())
        if (re.test(r.value)) return;
      assert.fail(`the bench ended its stderr before ${re}`);
    };
    await until(/baseline: ready:/);
    const floor = readDescriptor(BASELINE_PORT);
    assert.ok(floor, 'the floor published its descriptor');
    pids = floor.services.flatMap((s) =>
      s.files === undefined
        ? []
        : readFileSync(path.join(path.dirname(s.files.cpuStat), 'cgroup.procs'), 'utf8')
            .split('\n')
            .filter(Boolean)
            .map(Number),
    );
    assert.ok(pids.length >= 3, `the floor's processes: ${pids.join(', ')}`);
    const exited = once(bench, 'exit');
    bench.kill('SIGTERM');
    // The second once the first is being handled (two pending at once would merge into one).
    await until(/SIGTERM: stopping/);
    bench.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    assert.equal(code, 143);
    for (const pid of pids)
      assert.equal(pidAlive(pid), false, `floor process ${pid} outlived the bench`);
    assert.equal(readDescriptor(BASELINE_PORT), undefined);
  } finally {
    if (bench.exitCode === null) bench.kill('SIGKILL');
    for (const pid of pids.filter(pidAlive)) process.kill(pid, 'SIGKILL'); // a failed run's leftovers
    await fake.close();
  }
});
