import type { ColumnChart } from '../drift/index.js';
import { escapeHtml, formatNumber } from './format.js';

/** Colours of the two samples, shared by the charts and the legend. */
export const REFERENCE_COLOUR = '#4c78a8';
export const CURRENT_COLOUR = '#f58518';

const WIDTH = 560;
const HEIGHT = 200;
const MARGIN = { top: 10, right: 10, bottom: 46, left: 44 };

/**
 * An inline SVG of one column: for numbers, reference and current histograms over the same bins, as shares of each
 * sample (so samples of different sizes compare); for categories, side-by-side bars per category. No scripts, no
 * external references: the picture is the markup.
 */
export function chartSvg(name: string, chart: ColumnChart): string {
  const refTotal = sum(chart.reference);
  const curTotal = sum(chart.current);
  const refShares = chart.reference.map((c) => (refTotal > 0 ? c / refTotal : 0));
  const curShares = chart.current.map((c) => (curTotal > 0 ? c / curTotal : 0));
  const top = Math.max(...refShares, ...curShares, 1e-9);
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const n = Math.max(refShares.length, 1);
  const slot = plotW / n;
  const y = (share: number) => MARGIN.top + plotH - (share / top) * plotH;
  const parts: string[] = [];
  for (let i = 0; i < refShares.length; i++) {
    const x = MARGIN.left + i * slot;
    const label = chart.kind === 'histogram' ? binLabel(chart.edges, i) : (chart.categories[i] ?? '');
    const bar = (share: number, offset: number, width: number, colour: string, sample: string) =>
      `<rect x="${r(x + offset)}" y="${r(y(share))}" width="${r(Math.max(width, 0.5))}" height="${r(MARGIN.top + plotH - y(share))}" fill="${colour}" fill-opacity="0.75"><title>${escapeHtml(`${label} — ${sample}: ${(share * 100).toFixed(1)}%`)}</title></rect>`;
    if (chart.kind === 'histogram') {
      // Overlaid: the current sample drawn half as wide inside the reference bar, so both stay visible.
      parts.push(bar(refShares[i]!, 0.5, slot - 1, REFERENCE_COLOUR, 'reference'));
      parts.push(bar(curShares[i]!, slot / 4, slot / 2, CURRENT_COLOUR, 'current'));
    } else {
      parts.push(bar(refShares[i]!, slot * 0.1, slot * 0.4, REFERENCE_COLOUR, 'reference'));
      parts.push(bar(curShares[i]!, slot * 0.5, slot * 0.4, CURRENT_COLOUR, 'current'));
      parts.push(
        `<text x="${r(x + slot / 2)}" y="${HEIGHT - MARGIN.bottom + 12}" font-size="10" text-anchor="end" transform="rotate(-35 ${r(x + slot / 2)} ${HEIGHT - MARGIN.bottom + 12})">${escapeHtml(truncate(label, 14))}</text>`,
      );
    }
  }
  const axes = [
    `<line x1="${MARGIN.left}" y1="${MARGIN.top + plotH}" x2="${WIDTH - MARGIN.right}" y2="${MARGIN.top + plotH}" stroke="#888"/>`,
    `<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${MARGIN.top + plotH}" stroke="#888"/>`,
    `<text x="${MARGIN.left - 4}" y="${MARGIN.top + 8}" font-size="10" text-anchor="end">${(top * 100).toFixed(0)}%</text>`,
    `<text x="${MARGIN.left - 4}" y="${MARGIN.top + plotH}" font-size="10" text-anchor="end">0</text>`,
  ];
  if (chart.kind === 'histogram' && chart.edges.length > 0) {
    const ticks = [0, Math.floor((chart.edges.length - 1) / 2), chart.edges.length - 1];
    for (const t of ticks) {
      const x = MARGIN.left + t * slot;
      axes.push(
        `<text x="${r(x)}" y="${MARGIN.top + plotH + 14}" font-size="10" text-anchor="middle">${escapeHtml(formatNumber(chart.edges[t]!))}</text>`,
      );
    }
  }
  return (
    `<svg class="chart" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${escapeHtml(`${name}: reference vs current`)}">` +
    `${axes.join('')}${parts.join('')}</svg>`
  );
}

function binLabel(edges: number[], i: number): string {
  return `[${formatNumber(edges[i] ?? 0)}, ${formatNumber(edges[i + 1] ?? 0)}${i + 2 === edges.length ? ']' : ')'}`;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const r = (v: number) => Math.round(v * 10) / 10;
const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);
