// The 2025 k6 script's handleSummary, in exact decimal arithmetic (the script uses big.js):
// p99 rounded to 2 decimals; bonus = max(round2((11 − p99) × 0.02), 0); fine 35% on any
// inconsistency; lag = successful POSTs − payments the backend recorded (negative: "caixa dois").
// Money is kept in integer cents; fees multiply cents by the fee's decimal ratio exactly.

export interface ProcessorTotals {
  readonly totalRequests: number;
  /** Sum of amounts, integer cents. */
  readonly totalCents: number;
  /** Fee per transaction as the processor reports it, e.g. 0.05. */
  readonly fee: number;
}

export interface Score2025Input {
  /** k6's p(99) of every successful HTTP request of the test, in ms (unrounded). */
  readonly p99Ms: number;
  readonly inconsistencies: number;
  readonly successfulPosts: number;
  readonly failedPosts: number;
  readonly maxRequests: number;
  readonly default: ProcessorTotals;
  readonly fallback: ProcessorTotals;
  readonly participant?: string;
}

/** Rounds half away from zero to 2 decimals (big.js round(2) default: ROUND_HALF_UP). */
export function round2(x: number): number {
  const s = Math.sign(x);
  const a = Math.abs(x);
  // Nudge by a relative epsilon so 1.005 (stored as 1.00499…) rounds as its decimal reads.
  return (s * Math.round((a + a * Number.EPSILON) * 100)) / 100;
}

/** Fee in cents × 10^4 (exact for fees with up to 4 decimals), from cents and a fee like 0.05. */
function feeTimes1e4(cents: number, fee: number): bigint {
  return BigInt(cents) * BigInt(Math.round(fee * 10_000));
}

/** units / scale (a power of ten) as the nearest double to the exact decimal, as big.js toNumber(). */
function money(units: bigint, scale: bigint): number {
  const digits = scale.toString().length - 1;
  const neg = units < 0n;
  const abs = (neg ? -units : units).toString().padStart(digits + 1, '0');
  return Number(
    `${neg ? '-' : ''}${abs.slice(0, abs.length - digits)}.${abs.slice(abs.length - digits)}`,
  );
}

export function score2025(i: Score2025Input) {
  const p99 = round2(i.p99Ms);
  const bonus = Math.max(round2((11 - p99) * 0.02), 0);
  const fine = i.inconsistencies > 0 ? 0.35 : 0;
  const grossCents = BigInt(i.default.totalCents + i.fallback.totalCents);
  const fees1e4 =
    feeTimes1e4(i.default.totalCents, i.default.fee) +
    feeTimes1e4(i.fallback.totalCents, i.fallback.fee);
  // Units: cents × 10^4 = currency × 10^6.
  const net1e6 = grossCents * 10_000n - fees1e4;
  const bonus100 = Math.round(bonus * 100);
  const fine100 = Math.round(fine * 100);
  const liquid1e8 = net1e6 * 100n + net1e6 * BigInt(bonus100) - net1e6 * BigInt(fine100);
  const recorded = i.default.totalRequests + i.fallback.totalRequests;
  const lag = i.successfulPosts - recorded;
  return {
    participante: i.participant ?? 'anonymous',
    total_liquido: money(liquid1e8, 100_000_000n),
    total_bruto: money(grossCents, 100n),
    total_taxas: money(fees1e4, 1_000_000n),
    descricao:
      "'total_liquido' é sua pontuação final. Equivale ao seu lucro. Fórmula: total_liquido + (total_liquido * p99.bonus) - (total_liquido * multa.porcentagem)",
    p99: {
      valor: `${p99}ms`,
      bonus: `${bonus100}%`,
      max_requests: i.maxRequests,
      descricao: 'Fórmula para o bônus: max((11 - p99.valor) * 0.02, 0)',
    },
    multa: {
      porcentagem: fine,
      total: money(net1e6 * BigInt(fine100), 100_000_000n),
      composicao: {
        num_inconsistencias: i.inconsistencies,
        descricao: "Se 'num_inconsistencias' > 0, há multa de 35%.",
      },
    },
    caixa_dois: {
      detectado: lag < 0,
      descricao:
        "Se 'lag' for negativo, significa que seu backend registrou mais pagamentos do que solicitado, automaticamente desclassificando sua submissão!",
    },
    lag: { num_pagamentos_total: recorded, num_pagamentos_solicitados: i.successfulPosts, lag },
    pagamentos_solicitados: { qtd_sucesso: i.successfulPosts, qtd_falha: i.failedPosts },
    pagamentos_realizados_default: {
      total_bruto: money(BigInt(i.default.totalCents), 100n),
      num_pagamentos: i.default.totalRequests,
      total_taxas: money(feeTimes1e4(i.default.totalCents, i.default.fee), 1_000_000n),
    },
    pagamentos_realizados_fallback: {
      total_bruto: money(BigInt(i.fallback.totalCents), 100n),
      num_pagamentos: i.fallback.totalRequests,
      total_taxas: money(feeTimes1e4(i.fallback.totalCents, i.fallback.fee), 1_000_000n),
    },
  };
}

export type Score2025 = ReturnType<typeof score2025>;
