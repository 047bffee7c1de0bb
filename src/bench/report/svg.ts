// Minimal inline SVG charts for the self-contained report (no scripts, no external files).

export interface Series {
  readonly name: string;
  readonly color: string;
  readonly points: readonly (readonly [number, number])[];
}

export function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function fmt(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 10 ? v.toFixed(1) : v.toFixed(2);
}

const W = 760;
const H = 240;
const PAD = { l: 56, r: 16, t: 28, b: 32 };

export interface Band {
  readonly from: number;
  readonly to: number;
  readonly label: string;
  readonly color: string;
}

/** A line chart; x and y axes from 0; optional shaded bands (e.g. stages) behind the lines. */
export function lineChart(
  title: string,
  series: readonly Series[],
  opts: { xLabel: string; yLabel: string; bands?: readonly Band[] },
): string {
  const xs = series.flatMap((s) => s.points.map((p) => p[0]));
  const ys = series.flatMap((s) => s.points.map((p) => p[1]));
  const xMax = niceMax(Math.max(1, ...xs, ...(opts.bands ?? []).map((b) => b.to)));
  const yMax = niceMax(Math.max(0, ...ys));
  const X = (x: number) => PAD.l + (x / xMax) * (W - PAD.l - PAD.r);
  const Y = (y: number) => H - PAD.b - (y / yMax) * (H - PAD.t - PAD.b);
  const parts: string[] = [];
  for (const b of opts.bands ?? []) {
    parts.push(
      `<rect x="${X(b.from).toFixed(1)}" y="${PAD.t}" width="${Math.max(0, X(b.to) - X(b.from)).toFixed(1)}" height="${H - PAD.t - PAD.b}" fill="${b.color}" opacity="0.35"><title>${escapeHtml(b.label)}</title></rect>`,
    );
  }
  for (let i = 0; i <= 4; i++) {
    const y = (yMax * i) / 4;
    parts.push(`<line x1="${PAD.l}" x2="${W - PAD.r}" y1="${Y(y)}" y2="${Y(y)}" stroke="#ddd"/>`);
    parts.push(
      `<text x="${PAD.l - 6}" y="${Y(y) + 4}" text-anchor="end" font-size="11">${fmt(y)}</text>`,
    );
    const x = (xMax * i) / 4;
    parts.push(
      `<text x="${X(x)}" y="${H - PAD.b + 16}" text-anchor="middle" font-size="11">${fmt(x)}</text>`,
    );
  }
  for (const s of series) {
    if (s.points.length === 0) continue;
    const d = s.points
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${X(p[0]).toFixed(1)},${Y(p[1]).toFixed(1)}`)
      .join('');
    parts.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="1.5"><title>${escapeHtml(s.name)}</title></path>`,
    );
  }
  const legend = series
    .map(
      (s, i) =>
        `<text x="${PAD.l + 8 + i * 130}" y="${PAD.t - 10}" font-size="12" fill="${s.color}">■ ${escapeHtml(s.name)}</text>`,
    )
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeHtml(title)}">${parts.join('')}${legend}<text x="${W / 2}" y="${H - 4}" text-anchor="middle" font-size="11">${escapeHtml(opts.xLabel)}</text><text x="12" y="${H / 2}" font-size="11" transform="rotate(-90 12 ${H / 2})" text-anchor="middle">${escapeHtml(opts.yLabel)}</text></svg></figure>`;
}

/** A horizontal bar chart of labelled counts. */
export function barChart(title: string, entries: readonly (readonly [string, number])[]): string {
  const max = niceMax(Math.max(1, ...entries.map((e) => e[1])));
  const rowH = 22;
  const h = PAD.t + entries.length * rowH + 8;
  const bars = entries
    .map(([label, v], i) => {
      const w = (v / max) * (W - 220);
      const y = PAD.t + i * rowH;
      return `<text x="150" y="${y + 15}" text-anchor="end" font-size="12">${escapeHtml(label)}</text><rect x="160" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="#4a7fc1"/><text x="${165 + w}" y="${y + 15}" font-size="12">${v}</text>`;
    })
    .join('');
  return `<figure><figcaption>${escapeHtml(title)}</figcaption><svg class="chart" viewBox="0 0 ${W} ${h}" width="${W}" height="${h}" role="img" aria-label="${escapeHtml(title)}">${bars}</svg></figure>`;
}
