// The stack's throttling and CPU over time, as report charts beside the latency: a stall shows
// in the second it happened.
import type { StackUsage } from '../load/stack-watch.js';
import type { Series } from './svg.js';

const COLORS = ['#264653', '#2a9d8f', '#e9c46a', '#f4a261', '#e76f51', '#8d99ae', '#6d597a'];

export function usageCharts(
  u: StackUsage | undefined,
): { title: string; yLabel: string; series: Series[] }[] {
  if (u === undefined || u.services.length === 0) return [];
  const series = (pick: (s: StackUsage['services'][number]) => number[]): Series[] =>
    u.services.map((s, i) => ({
      name: s.name,
      color: COLORS[i % COLORS.length]!,
      points: pick(s).map((v, t) => [t, v] as const),
    }));
  return [
    {
      title: 'CFS throttled periods per second, per service',
      yLabel: 'periods',
      series: series((s) => s.perSecond.throttledPeriods),
    },
    {
      title: 'CPU seconds used per second, per service',
      yLabel: 'CPU s',
      series: series((s) => s.perSecond.cpuSec),
    },
  ];
}

/** The per-service table of a report. */
export function usageTable(u: StackUsage | undefined): { caption: string; rows: string[][] } {
  const head = [
    'service',
    'limit CPU / MB',
    'CPU s',
    'CPU s per 1,000 requests',
    'throttled periods',
    'throttled s',
    'peak MB',
  ];
  if (u === undefined)
    return {
      caption: 'Stack under test: not announced by a local `rinha up` (no cgroup figures)',
      rows: [head],
    };
  return {
    caption: `Stack under test: ${u.system} (${u.variant}), per service during the run`,
    rows: [
      head,
      ...u.services.map((s) => [
        s.name,
        `${s.limits.cpus} / ${s.limits.memoryMB}`,
        String(s.cpuSec),
        String(s.cpuSecPer1000Requests),
        String(s.throttledPeriods),
        String(s.throttledSec),
        String(s.peakMemoryMB),
      ]),
    ],
  };
}
