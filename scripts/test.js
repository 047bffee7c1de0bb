// Runs the compiled test suite with Node's test runner. As root, inside a private network
// namespace (unshare -n) so the stacks' fixed ports never collide with anything on the machine.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

// Node 20's runner takes no globs: list dist/test/**/*.test.js (helpers are not tests).
function testFiles(dir) {
  return readdirSync(dir, { recursive: true })
    .filter((f) => f.endsWith('.test.js'))
    .sort()
    .map((f) => path.join(dir, f));
}

// --unit: only the tests that need no root, no network namespace and no system package
// (nginx, PostgreSQL, Redis, Chromium): every file not named *.integration.test.js.
const unit = process.argv.includes('--unit');
const args = process.argv.slice(2).filter((a) => a !== '--unit');
const all = testFiles('dist/test');
const files =
  args.length > 0 ? args : unit ? all.filter((f) => !f.endsWith('.integration.test.js')) : all;
const nodeArgs = ['--test', '--test-concurrency=1', '--test-reporter=spec', ...files];
const canIsolate =
  !unit &&
  process.getuid?.() === 0 &&
  process.env.RINHA_NETNS !== '1' &&
  spawnSync('unshare', ['-n', 'true']).status === 0;

let r;
if (canIsolate) {
  console.log('tests: running in a private network namespace');
  const quoted = nodeArgs.map((a) => `'${a}'`).join(' ');
  r = spawnSync(
    'unshare',
    ['-n', 'sh', '-c', `ip link set lo up && exec '${process.execPath}' ${quoted}`],
    {
      stdio: 'inherit',
      env: { ...process.env, RINHA_NETNS: '1' },
    },
  );
} else {
  r = spawnSync(process.execPath, nodeArgs, { stdio: 'inherit' });
}
process.exit(r.status ?? 1);
