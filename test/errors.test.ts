// The error catalogue, its documentation and its use agree: every code is documented with its
// meaning, every code is thrown somewhere, and nothing throws a code that is not in the table.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../src/errors.js';
import { projectPath } from '../src/paths.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(dir, f), 'utf8'));
}

const used = new Set<string>();
for (const text of sources(projectPath('src')))
  for (const m of text.matchAll(/new RinhaError\(\s*'([A-Z_]+)'/g)) used.add(m[1]!);

test('docs/ERRORS.md lists every code of the catalogue with its meaning, and nothing else', () => {
  const doc = readFileSync(projectPath('docs/ERRORS.md'), 'utf8');
  const rows = new Map(
    [...doc.matchAll(/^\| `([A-Z_]+)` \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!]),
  );
  assert.deepEqual([...rows.keys()].sort(), Object.keys(ERROR_CODES).sort());
  for (const [code, meaning] of Object.entries(ERROR_CODES))
    assert.equal(rows.get(code), meaning, code);
});

test('every code thrown is in the catalogue, and every catalogue code is thrown somewhere', () => {
  for (const code of used) assert.ok(code in ERROR_CODES, `${code} is thrown but not catalogued`);
  for (const code of Object.keys(ERROR_CODES))
    assert.ok(used.has(code), `${code} is catalogued but never thrown`);
});
