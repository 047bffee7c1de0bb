import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { CREBITO_SQLITE_TOPOLOGY, CREBITO_TOPOLOGY } from '../../src/crebito/topology.js';
import {
  PAYMENTS_API_V8_FLAGS,
  PAYMENTS_DURABLE_TOPOLOGY,
  PAYMENTS_REDIS_TOPOLOGY,
  PAYMENTS_TOPOLOGY,
} from '../../src/payments/topology.js';
import { totalLimits, withinBudget } from '../../src/stack/topology.js';
import { staleDeployFiles } from '../../src/cli/deploy.js';
import { projectPath } from '../../src/paths.js';
import { nodeFlags } from '../../src/stack/node.js';
import { parse } from 'yaml';

test('2024 topology: limits sum to at most 1.5 CPU and 550 MB', () => {
  const total = totalLimits(CREBITO_TOPOLOGY.services);
  assert.ok(total.cpus <= 1.5, `cpus ${total.cpus}`);
  assert.ok(total.memoryMB <= 550, `memory ${total.memoryMB}`);
  assert.equal(withinBudget(CREBITO_TOPOLOGY), true);
  assert.deepEqual(
    CREBITO_TOPOLOGY.services.filter((s) => s.role === 'api').length,
    2,
    'two API instances',
  );
});

test('2024 SQLite topology: no database service, within the same budget', () => {
  assert.equal(withinBudget(CREBITO_SQLITE_TOPOLOGY), true);
  assert.deepEqual(CREBITO_SQLITE_TOPOLOGY.services.map((s) => s.role).sort(), [
    'api',
    'api',
    'lb',
  ]);
});

test('withinBudget catches an over-budget topology', () => {
  const fat = {
    ...CREBITO_TOPOLOGY,
    services: [
      ...CREBITO_TOPOLOGY.services,
      { name: 'x', role: 'api' as const, limits: { cpus: 0.01, memoryMB: 1 } },
    ],
  };
  assert.equal(withinBudget(fat), false);
});

for (const [name, t] of [
  ['2025', PAYMENTS_TOPOLOGY],
  ['2025 --store redis', PAYMENTS_REDIS_TOPOLOGY],
  ['2025 --durable', PAYMENTS_DURABLE_TOPOLOGY],
] as const) {
  test(`${name} topology: limits sum to at most 1.5 CPU and 350 MB, two APIs`, () => {
    const total = totalLimits(t.services);
    assert.ok(total.cpus <= 1.5 + 1e-9 && total.memoryMB <= 350, JSON.stringify(total));
    assert.equal(withinBudget(t), true);
    assert.equal(t.services.filter((s) => s.role === 'api').length, 2);
  });
}

for (const system of ['2024', '2025']) {
  test(`deploy/${system} files are what the topology generates`, () => {
    assert.deepEqual(staleDeployFiles(system), [], `run \`node bin/rinha.js deploy ${system}\``);
  });
}

const COMPOSE_FILES = [
  '2024/docker-compose.yml',
  '2025/docker-compose.yml',
  '2025/docker-compose.redis.yml',
  '2025/docker-compose.durable.yml',
];
for (const rel of COMPOSE_FILES)
  test(`docker compose config accepts deploy/${rel} (when a compose client exists)`, (t) => {
    const file = projectPath(`deploy/${rel}`);
    const candidates: string[][] = [['docker', 'compose'], ['docker-compose']];
    for (const cmd of candidates) {
      const probe = spawnSync(cmd[0]!, [...cmd.slice(1), 'version'], { encoding: 'utf8' });
      if (probe.status !== 0) continue;
      const r = spawnSync(cmd[0]!, [...cmd.slice(1), '-f', file, 'config', '-q'], {
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      return;
    }
    t.skip('no docker compose client on this machine');
  });

test('2025 compose files start each API with the same node flags as the local runner', () => {
  for (const file of COMPOSE_FILES.filter((f) => f.startsWith('2025/'))) {
    const doc = parse(readFileSync(projectPath('deploy', file), 'utf8')) as {
      services: Record<string, { command?: string[] }>;
    };
    const t = file.includes('durable')
      ? PAYMENTS_DURABLE_TOPOLOGY
      : file.includes('redis')
        ? PAYMENTS_REDIS_TOPOLOGY
        : PAYMENTS_TOPOLOGY;
    for (const api of ['api1', 'api2']) {
      const limits = t.services.find((x) => x.name === api)!.limits;
      const local = nodeFlags(limits, PAYMENTS_API_V8_FLAGS);
      assert.deepEqual(
        doc.services[api]!.command,
        ['node', ...local, 'bin/rinha.js', 'serve', '2025'],
        `${file} ${api}`,
      );
      for (const f of PAYMENTS_API_V8_FLAGS) assert.ok(local.includes(f));
    }
  }
});
