// Docs a clone can follow: every relative link of the README and docs/ resolves inside the
// repository, every path ARCHITECTURE.md's source map names exists, and docs/CLI.md is what
// the CLI says about itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { projectPath } from '../src/paths.js';

const docs = [
  'README.md',
  ...readdirSync(projectPath('docs'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.md'))
    .map((f) => path.join('docs', f)),
];

test('every relative link in README.md and docs/ resolves inside the repository', () => {
  for (const doc of docs) {
    const text = readFileSync(projectPath(doc), 'utf8');
    for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = m[1]!.split('#')[0]!;
      if (target === '' || /^[a-z]+:/i.test(target)) continue;
      const resolved = path.resolve(path.dirname(projectPath(doc)), target);
      assert.ok(
        resolved.startsWith(projectPath()),
        `${doc}: ${target} points outside the repository`,
      );
      assert.ok(existsSync(resolved), `${doc}: ${target} does not exist`);
    }
  }
});

test("the paths ARCHITECTURE.md's source map names exist", () => {
  const text = readFileSync(projectPath('docs/ARCHITECTURE.md'), 'utf8');
  const map = text.slice(text.indexOf('```'), text.indexOf('```', text.indexOf('```') + 3));
  let parents: string[] = [];
  let checked = 0;
  for (const line of map.split('\n').slice(1)) {
    const m = /^( *)([\w.-]+\/?)\s/.exec(`${line} `);
    if (m === null) continue;
    const depth = m[1]!.length / 2;
    parents = parents.slice(0, depth);
    const name = m[2]!;
    const rel = path.join(...parents, name);
    if (name.endsWith('/')) parents.push(name.slice(0, -1));
    assert.ok(existsSync(projectPath(rel)), `ARCHITECTURE.md names ${rel}, which does not exist`);
    checked++;
  }
  assert.ok(checked > 30, `the source map was read (${checked} paths)`);
});

test('docs/CLI.md is what `rinha --help` says', () => {
  const r = spawnSync(process.execPath, [projectPath('scripts/cli-reference.js'), '--check'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
});
