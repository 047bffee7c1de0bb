// The self-contained report.html: summary tables and inline SVG charts, viewable offline.
import { barChart, escapeHtml, lineChart, type Band, type Series } from './svg.js';

export interface TimelinePoint {
  readonly t: number;
  readonly requests: number;
  readonly ko: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface ReportInput {
  readonly title: string;
  /** Headline figures, in order. */
  readonly headline: readonly (readonly [string, string])[];
  /** Further tables: a caption and rows of cells (first row is the header). */
  readonly tables: readonly {
    readonly caption: string;
    readonly rows: readonly (readonly string[])[];
  }[];
  readonly timeline: readonly TimelinePoint[];
  readonly statuses: Readonly<Record<string, number>>;
  /** Extra charts over time (payments per processor, throttling per service). */
  readonly extraCharts?: readonly {
    readonly title: string;
    readonly yLabel: string;
    readonly series: readonly Series[];
  }[];
  readonly bands?: readonly Band[];
}

function table(caption: string, rows: readonly (readonly string[])[]): string {
  const [head, ...body] = rows;
  return `<table><caption>${escapeHtml(caption)}</caption><thead><tr>${(head ?? []).map((c) => `<th>${escapeHtml(c)}</th>`).join('')}</tr></thead><tbody>${body
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('')}</tbody></table>`;
}

export function renderReport(r: ReportInput): string {
  const tl = r.timeline;
  const bands = r.bands ?? [];
  const charts = [
    lineChart(
      'Latency over time (ms, per second)',
      [
        { name: 'p50', color: '#2a9d8f', points: tl.map((p) => [p.t, p.p50]) },
        { name: 'p99', color: '#e76f51', points: tl.map((p) => [p.t, p.p99]) },
      ],
      { xLabel: 'seconds', yLabel: 'ms', bands },
    ),
    lineChart(
      'Requests per second',
      [
        { name: 'requests', color: '#264653', points: tl.map((p) => [p.t, p.requests]) },
        { name: 'KO', color: '#d62828', points: tl.map((p) => [p.t, p.ko]) },
      ],
      { xLabel: 'seconds', yLabel: 'requests/s', bands },
    ),
    barChart(
      'Responses by status',
      Object.entries(r.statuses).sort((a, b) => b[1] - a[1]),
    ),
    ...(r.extraCharts ?? []).map((c) =>
      lineChart(c.title, c.series, { xLabel: 'seconds', yLabel: c.yLabel, bands }),
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(r.title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222;max-width:820px}
h1{font-size:20px} table{border-collapse:collapse;margin:12px 0;font-size:13px}
caption{text-align:left;font-weight:600;padding:4px 0} td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}
th{background:#f3f3f3} td:first-child,th:first-child{text-align:left}
dl.headline{display:grid;grid-template-columns:max-content auto;gap:4px 16px;font-size:14px} dt{font-weight:600}
figure{margin:16px 0} figcaption{font-weight:600;font-size:14px;margin-bottom:4px} svg.chart{background:#fff;border:1px solid #eee}
</style></head>
<body>
<h1>${escapeHtml(r.title)}</h1>
<dl class="headline">${r.headline.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')}</dl>
${r.tables.map((t) => table(t.caption, t.rows)).join('\n')}
${charts.join('\n')}
<script>document.body.dataset.rendered = String(document.querySelectorAll('svg.chart').length);</script>
</body></html>
`;
}
