import type { DriftResult, FeatureDrift } from '../drift/index.js';
import { escapeHtml, formatNumber } from './format.js';
import { CURRENT_COLOUR, chartSvg, REFERENCE_COLOUR } from './svg-charts.js';

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px auto; max-width: 1100px; color: #222; padding: 0 16px; }
h1 { font-size: 22px; margin-bottom: 4px; } h2 { font-size: 17px; margin: 0 0 6px; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600; color: #fff; }
.drift { background: #c0392b; } .stable { background: #2e7d32; } .error { background: #777; }
table { border-collapse: collapse; width: 100%; margin: 12px 0 24px; }
th, td { text-align: left; padding: 4px 8px; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
th { background: #f5f5f5; font-weight: 600; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
section.feature { border: 1px solid #ddd; border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
dl { display: grid; grid-template-columns: max-content auto; gap: 2px 12px; margin: 8px 0; }
dt { color: #666; } dd { margin: 0; } .note { color: #555; font-style: italic; }
.legend span { display: inline-block; width: 12px; height: 12px; margin: 0 4px 0 12px; vertical-align: -1px; }
svg.chart { max-width: 100%; height: auto; }
`;

/**
 * A self-contained HTML drift report: inline CSS and inline SVG only (no scripts, fonts, images or links to fetch),
 * so it opens offline. A summary of the dataset verdict, one table row per column, then per column its
 * reference-vs-current chart with the test, statistic, p-value, effect size and verdict.
 */
export function driftReportHtml(result: DriftResult, title = 'Osprey data drift report'): string {
  const { report, charts } = result;
  const verdict = report.dataset_drift
    ? '<span class="verdict drift">dataset drift</span>'
    : '<span class="verdict stable">no dataset drift</span>';
  const summary = `<p>${verdict} ${report.number_of_drifted_columns} of ${report.number_of_columns} columns drifted
 (share ${formatNumber(report.drift_share)}, threshold ${formatNumber(report.drift_share_threshold)}); α = ${report.alpha},
 correction ${escapeHtml(report.correction)}, KS mode ${escapeHtml(report.ks_mode)}.</p>
<p>Reference: ${side(report.reference)}<br>Current: ${side(report.current)}</p>`;
  const skipped =
    report.skipped.length > 0
      ? `<p>Not tested: ${report.skipped.map((s) => `${escapeHtml(s.name)} (${escapeHtml(s.reason)})`).join(', ')}.</p>`
      : '';
  const rows = report.features.map(
    (
      f,
    ) => `<tr><td><a href="#${anchor(f.name)}">${escapeHtml(f.name)}</a></td><td>${f.type}</td><td>${f.method ?? '–'}</td>
<td class="num">${formatNumber(f.statistic)}</td><td class="num">${formatNumber(f.p_value)}</td>
<td class="num">${formatNumber(f.effect_size)}</td><td>${badge(f)}</td></tr>`,
  );
  const legend = `<p class="legend">Bars are shares of each sample:<span style="background:${REFERENCE_COLOUR}"></span>reference<span style="background:${CURRENT_COLOUR}"></span>current</p>`;
  const sections = report.features.map((f) => {
    const chart = charts.get(f.name);
    const drawable = chart && [...chart.reference, ...chart.current].some((v) => v > 0);
    return `<section class="feature" id="${anchor(f.name)}"><h2>${escapeHtml(f.name)} ${badge(f)}</h2>
${drawable ? chartSvg(f.name, chart) : '<svg class="chart" viewBox="0 0 560 40" width="560" height="40" role="img" aria-label="no data"><text x="10" y="24" font-size="12">no values to draw</text></svg>'}
<dl>${details(f)}</dl>${f.note ? `<p class="note">${escapeHtml(f.note)}</p>` : ''}</section>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>${summary}${skipped}
<table><thead><tr><th>column</th><th>type</th><th>method</th><th>statistic</th><th>p-value</th><th>effect size</th><th>verdict</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
${legend}
${sections.join('\n')}
</body></html>
`;
}

function side(s: { rows: number; source: string | null; rejected_rows: number }): string {
  const rejected = s.rejected_rows > 0 ? `, ${s.rejected_rows} rows failed to parse` : '';
  return `${escapeHtml(s.source ?? 'in memory')} — ${s.rows} rows${rejected}`;
}

function badge(f: FeatureDrift): string {
  if (f.error) return '<span class="verdict error">error</span>';
  return f.drifted ? '<span class="verdict drift">drift</span>' : '<span class="verdict stable">no drift</span>';
}

function details(f: FeatureDrift): string {
  const pairs: [string, string][] = [
    ['method', f.method ?? '–'],
    ['statistic', formatNumber(f.statistic)],
    ['p-value', f.p_value === null ? '– (a distance has none)' : formatNumber(f.p_value)],
    ['adjusted p-value', formatNumber(f.p_value_adjusted)],
    [
      'effect size',
      `${formatNumber(f.effect_size)}${f.effect_size_name ? ` (${f.effect_size_name}, drift from ${f.min_effect_size})` : ''}`,
    ],
    ['values', `reference ${f.n_reference}, current ${f.n_current}`],
    [
      'missing',
      `reference ${f.missing_reference}, current ${f.missing_current}${f.missing?.drifted ? ' — the share changed' : ''}`,
    ],
  ];
  if (f.error) pairs.push(['error', f.error]);
  return pairs.map(([k, v]) => `<dt>${k}</dt><dd>${escapeHtml(v)}</dd>`).join('');
}

/** A fragment id for a column name (letters, digits, - and _ kept; the rest hex-escaped, so ids stay unique). */
function anchor(name: string): string {
  return `col-${[...name].map((ch) => (/[A-Za-z0-9_-]/.test(ch) ? ch : `.${ch.codePointAt(0)!.toString(16)}`)).join('')}`;
}
