// The 2025 bench against the real processor simulators and small fake backends.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bench2025 } from '../../src/bench/bench2025.js';
import { PREVIEW_2025, type Schedule2025 } from '../../src/bench/core/schedule2025.js';
import { customScenario } from '../../src/bench/core/scenario2025.js';
import { FINAL_FEES, PUBLIC_RULES_FEES } from '../../src/payments/core/fees.js';
import { startProcessor, type RunningProcessor } from '../../src/processor/server.js';
import { fakePayments } from '../helpers/fake-payments.js';

let dflt: RunningProcessor;
let fb: RunningProcessor;
before(async () => {
  dflt = await startProcessor({ port: 0, fee: '0.05' });
  fb = await startProcessor({ port: 0, fee: '0.15' });
});
after(async () => {
  await dflt.close();
  await fb.close();
});

const healthy = { delayMs: 0, failing: false };
const SHORT: Schedule2025 = {
  name: 'test',
  durationSec: 6,
  maxVUs: 60,
  amount: 19.9,
  stages: [
    { atSec: 0.5, default: healthy, fallback: healthy },
    { atSec: 2, default: { delayMs: 5, failing: true }, fallback: { delayMs: 5, failing: false } },
    { atSec: 4, default: healthy, fallback: healthy },
  ],
};

const run = (url: string, schedule: Schedule2025, checkEverySec: number) =>
  bench2025({
    target: url,
    defaultUrl: dflt.url,
    fallbackUrl: fb.url,
    token: '123',
    scenario: customScenario(schedule, PUBLIC_RULES_FEES),
    reportsBase: mkdtempSync(path.join(os.tmpdir(), 'rinha-bench25-')),
    progress: false,
    checkEverySec,
  });

test('a correct backend: consistent, no lag, gross and fees from the processors', async () => {
  const backend = await fakePayments({ defaultUrl: dflt.url, fallbackUrl: fb.url, wrong: false });
  try {
    const { result, dir } = await run(backend.url, SHORT, 1);
    assert.ok(result.pagamentos_solicitados.qtd_sucesso > 100);
    assert.equal(
      result.multa.composicao.num_inconsistencias,
      0,
      JSON.stringify(result.consistencyChecks),
    );
    assert.equal(result.lag.lag, 0);
    assert.ok(
      result.pagamentos_realizados_fallback.num_pagamentos > 0,
      'default failing for a while: fallback used',
    );
    const d = result.pagamentos_realizados_default.num_pagamentos;
    const f = result.pagamentos_realizados_fallback.num_pagamentos;
    assert.equal(Math.round(result.total_bruto * 100), (d + f) * 1990);
    assert.equal(result.extras.backendMatchesProcessors, true);
    assert.ok(result.consistencyChecks.length >= 5);
    assert.ok(existsSync(path.join(dir, 'report.html')));
  } finally {
    await backend.close();
  }
});

test('a schedule scored over the whole run with a narrower window beside it: processed counts come from the whole run', async () => {
  const backend = await fakePayments({ defaultUrl: dflt.url, fallbackUrl: fb.url, wrong: false });
  try {
    // As a final-like schedule: the official window is the whole run, a narrower one follows it.
    const scenario = {
      ...customScenario(SHORT, PUBLIC_RULES_FEES),
      others: [{ seconds: 2, label: 'last 2 s' }],
    };
    const { result } = await bench2025({
      target: backend.url,
      defaultUrl: dflt.url,
      fallbackUrl: fb.url,
      token: '123',
      scenario,
      reportsBase: mkdtempSync(path.join(os.tmpdir(), 'rinha-bench25-')),
      progress: false,
      checkEverySec: 1,
    });
    const d = result.pagamentos_realizados_default.num_pagamentos;
    const f = result.pagamentos_realizados_fallback.num_pagamentos;
    assert.equal(result.lag.lag, 0);
    assert.equal(result.extras.unprocessedAtEnd, 0, 'every accepted payment was processed');
    assert.equal(result.extras.defaultShare, Math.round((d / (d + f)) * 10000) / 100);
    const narrow = result.extras.windows.find((w) => w.label === 'last 2 s')!;
    assert.ok(narrow.default + narrow.fallback < d + f, 'the narrow window counts fewer');
  } finally {
    await backend.close();
  }
});

test('processors charging other fees than the scenario expects: the bench says so', async () => {
  const backend = await fakePayments({ defaultUrl: dflt.url, fallbackUrl: fb.url, wrong: false });
  try {
    const { result } = await bench2025({
      target: backend.url,
      defaultUrl: dflt.url,
      fallbackUrl: fb.url,
      token: '123',
      scenario: customScenario({ ...SHORT, durationSec: 3 }, FINAL_FEES),
      reportsBase: mkdtempSync(path.join(os.tmpdir(), 'rinha-bench25-')),
      progress: false,
      checkEverySec: 1,
    });
    assert.match(
      result.extras.feeWarning ?? '',
      /charge 0\.05 \/ 0\.15, the scenario expects 0\.07 \/ 0\.10/,
    );
  } finally {
    await backend.close();
  }
});

test('a wrong backend: lost payments show as lag, false records as inconsistencies', async () => {
  const backend = await fakePayments({ defaultUrl: dflt.url, fallbackUrl: fb.url, wrong: true });
  try {
    const { result } = await run(backend.url, { ...SHORT, durationSec: 8 }, 1);
    assert.ok(result.lag.lag > 0, `lag ${result.lag.lag}`);
    assert.ok(result.multa.composicao.num_inconsistencias > 0);
    assert.equal(result.multa.porcentagem, 0.35);
    assert.equal(result.extras.backendMatchesProcessors, false);
  } finally {
    await backend.close();
  }
});

test('the preview against an instant backend sends about 16,700-16,800 payments, like k6', async () => {
  const backend = await fakePayments({ defaultUrl: dflt.url, fallbackUrl: fb.url, wrong: false });
  try {
    const healthyPreview = {
      ...PREVIEW_2025,
      stages: PREVIEW_2025.stages.map((s) => ({ ...s, default: healthy, fallback: healthy })),
    };
    const { result } = await run(backend.url, healthyPreview, 10);
    const sent =
      result.pagamentos_solicitados.qtd_sucesso + result.pagamentos_solicitados.qtd_falha;
    assert.ok(sent >= 16700 && sent <= 16800, `sent ${sent}`);
    assert.equal(result.pagamentos_solicitados.qtd_falha, 0);
  } finally {
    await backend.close();
  }
});

test('--baseline first runs the schedule against the canned floor of the topology', async () => {
  const backend = await fakePayments({ defaultUrl: dflt.url, fallbackUrl: fb.url, wrong: false });
  try {
    const { result } = await bench2025({
      target: backend.url,
      defaultUrl: dflt.url,
      fallbackUrl: fb.url,
      token: '123',
      scenario: customScenario({ ...SHORT, durationSec: 4 }, PUBLIC_RULES_FEES),
      reportsBase: mkdtempSync(path.join(os.tmpdir(), 'rinha-bench25-')),
      progress: false,
      checkEverySec: 1,
      baseline: true,
    });
    assert.ok(result.extras.baseline !== undefined);
    assert.ok(result.extras.baseline.postPayments.count > 50, 'the floor answered the VUs');
    assert.match(result.extras.baseline.p99, /ms$/);
    assert.equal(result.lag.lag, 0, 'the real run is unaffected');
  } finally {
    await backend.close();
  }
});
