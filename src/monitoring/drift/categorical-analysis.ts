import { chiSquareHomogeneity, jensenShannonDistance, populationStabilityIndex } from '../stats/index.js';
import { sumCounts } from './column-input.js';
import { type ColumnOutcome, emptyOutcome, type MethodRequest, resolveMethod } from './column-outcome.js';
import type { ColumnChart } from './types.js';

/** Categories drawn in the HTML report's bars; the rest are summed into one "other" bar. */
const CHART_CATEGORIES = 20;
/** Categories named in a note (new or vanished ones). */
const NOTE_CATEGORIES = 5;

/**
 * Drift of a categorical column given as counts per category. Methods: chi-square (effect size Cramér's V =
 * √(X²/N), N the values of both samples), PSI and Jensen–Shannon over one bin per category (effect size: the value).
 */
export function analyzeCategoricalCounts(
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
  request: MethodRequest,
  notes: string[] = [],
): ColumnOutcome {
  const nReference = sumCounts(reference);
  const nCurrent = sumCounts(current);
  const categories = unionOfCategories(reference, current);
  const chart = barsChart(categories, reference, current);
  if (nReference === 0 || nCurrent === 0) {
    const outcome = emptyOutcome('categorical', nReference, nCurrent, chart);
    return { ...outcome, notes: [...notes, ...outcome.notes] };
  }
  if (categories.length === 1) notes.push(`constant: every value is ${JSON.stringify(categories[0])} in both samples`);
  const chosen = resolveMethod(request, 'categorical', nReference, nCurrent, categories.length, notes);
  const base = { type: 'categorical' as const, nReference, nCurrent, notes, chart };
  if ('error' in chosen) return { ...base, method: null, statistic: null, pValue: null, effectSize: null, ...chosen };
  const method = chosen.method;
  if (method === 'chisquare') {
    const r = chiSquareHomogeneity(reference, current);
    if (r.unseenInReference.length > 0) notes.push(`new in current: ${listed(r.unseenInReference)}`);
    if (r.missingInCurrent.length > 0) notes.push(`absent from current: ${listed(r.missingInCurrent)}`);
    const effectSize = r.dof === 0 ? 0 : Math.sqrt(r.statistic / (nReference + nCurrent));
    return { ...base, method, statistic: r.statistic, pValue: r.pvalue, effectSize };
  }
  const ref = Float64Array.from(categories, (c) => reference.get(c) ?? 0);
  const cur = Float64Array.from(categories, (c) => current.get(c) ?? 0);
  const value = method === 'psi' ? populationStabilityIndex(ref, cur) : jensenShannonDistance(ref, cur, { base: 2 });
  return { ...base, method, statistic: value, pValue: null, effectSize: value };
}

/** The reference's categories in their order, then those only the current sample has. */
function unionOfCategories(reference: ReadonlyMap<string, number>, current: ReadonlyMap<string, number>): string[] {
  const all = [...reference.keys()].filter((c) => (reference.get(c) ?? 0) > 0 || (current.get(c) ?? 0) > 0);
  for (const [c, n] of current) if (n > 0 && !reference.has(c)) all.push(c);
  return all;
}

function listed(categories: string[]): string {
  const shown = categories.slice(0, NOTE_CATEGORIES).map((c) => JSON.stringify(c));
  return categories.length > NOTE_CATEGORIES
    ? `${shown.join(', ')} and ${categories.length - NOTE_CATEGORIES} more`
    : shown.join(', ');
}

/** Bars for the most common categories (by reference share + current share), the others summed as "(other)". */
function barsChart(
  categories: string[],
  reference: ReadonlyMap<string, number>,
  current: ReadonlyMap<string, number>,
): ColumnChart {
  const nRef = Math.max(sumCounts(reference), 1);
  const nCur = Math.max(sumCounts(current), 1);
  const weight = (c: string) => (reference.get(c) ?? 0) / nRef + (current.get(c) ?? 0) / nCur;
  const ranked = [...categories].sort((a, b) => weight(b) - weight(a));
  const shown = ranked.slice(0, CHART_CATEGORIES);
  const rest = ranked.slice(CHART_CATEGORIES);
  const sum = (counts: ReadonlyMap<string, number>, list: string[]) =>
    list.reduce((t, c) => t + (counts.get(c) ?? 0), 0);
  return {
    kind: 'bars',
    categories: rest.length > 0 ? [...shown, `(${rest.length} other)`] : shown,
    reference: [...shown.map((c) => reference.get(c) ?? 0), ...(rest.length > 0 ? [sum(reference, rest)] : [])],
    current: [...shown.map((c) => current.get(c) ?? 0), ...(rest.length > 0 ? [sum(current, rest)] : [])],
  };
}
