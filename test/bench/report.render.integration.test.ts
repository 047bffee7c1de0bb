// report.html must render in a real browser (Debian's headless Chromium) without errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { renderReport } from '../../src/bench/report/html.js';

const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p) => spawnSync(p, ['--version']).status === 0,
);

test(
  'report.html renders in headless Chromium with every chart and no script error',
  {
    skip:
      CHROMIUM === undefined && 'chromium is not installed (scripts/system-deps.sh installs it)',
  },
  () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'rinha-report-'));
    const file = path.join(dir, 'report.html');
    const timeline = Array.from({ length: 30 }, (_, t) => ({
      t,
      requests: 100 + t,
      ko: t % 7 === 0 ? 1 : 0,
      p50: 0.5,
      p99: 1 + (t % 5),
      max: 9,
    }));
    writeFileSync(
      file,
      renderReport({
        title: 'render <test> & "quotes"',
        headline: [['value', 'USD 100000.00']],
        tables: [
          {
            caption: 'stats',
            rows: [
              ['a', 'b'],
              ['1', '2'],
            ],
          },
        ],
        timeline,
        statuses: { '200': 3000, '422': 200 },
        extraCharts: [
          {
            title: 'payments per processor',
            yLabel: 'payments/s',
            series: [
              {
                name: 'default',
                color: '#000',
                points: [
                  [0, 1],
                  [1, 2],
                ],
              },
            ],
          },
        ],
        bands: [{ from: 0, to: 10, label: 'stage 1', color: '#eee' }],
      }),
    );
    const r = spawnSync(
      CHROMIUM!,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--enable-logging=stderr',
        '--v=0',
        '--dump-dom',
        `file://${file}`,
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /data-rendered="4"/, 'the inline script ran and saw the 4 charts');
    assert.match(r.stdout, /render &lt;test&gt; &amp; "quotes"/, 'text is escaped');
    assert.doesNotMatch(
      r.stderr,
      /Uncaught|SyntaxError|CONSOLE\(\d+\).*Error/,
      'no script error in the console',
    );
  },
);
