import { invalidArgument } from '../../core/errors.js';
import type { KsMethod } from '../stats/index.js';
import { analyzeCategoricalCounts } from './categorical-analysis.js';
import { missingTotal } from './column-input.js';
import { type ColumnOutcome, failed, guarded, type MethodRequest } from './column-outcome.js';
import { FEATURE_TYPES, METHODS, parseMethodChoice } from './methods.js';
import type { NumericTask } from './numeric-analysis.js';
import { pairColumns } from './pairing.js';
import { type ColumnRunner, defaultWorkerCount, inlineRunner, startWorkerPool } from './parallel-runner.js';
import type { ColumnChart, Correction, DriftOptions, DriftResult, DriftTable, FeatureDrift } from './types.js';
import {
  adjustPValues,
  judgeDistribution,
  judgeMissingShare,
  missingShareTest,
  percent,
  type UnadjustedMissingTest,
} from './verdicts.js';

const CORRECTIONS: readonly Correction[] = ['none', 'bonferroni', 'bh'];
const KS_MODES: readonly KsMethod[] = ['auto', 'exact', 'asymp'];

interface Resolved {
  method: DriftOptions['method'] & string;
  ksMode: KsMethod;
  alpha: number;
  correction: Correction;
  threshold: number;
  histogramBins: number;
}

/**
 * Data drift between a reference and a current table, column by column (README.md documents every rule), with the
 * dataset-level verdict: drift when the share of drifted columns reaches the threshold. Numerical columns run on
 * worker threads when the input is large (or as `options.workers` says); pass `runner` to reuse a pool.
 *
 * @throws OspreyError INVALID_ARGUMENT for bad options or an override naming an unknown column; problems of single
 *   columns never throw: they become that column's `error` or `note`.
 */
export async function computeDrift(
  reference: DriftTable,
  current: DriftTable,
  options: DriftOptions = {},
  runner?: ColumnRunner,
): Promise<DriftResult> {
  const resolved = resolveOptions(options);
  const overrides = options.columns ?? {};
  const known = new Set([...reference.columns, ...current.columns].map((c) => c.name));
  for (const name of Object.keys(overrides)) {
    if (!known.has(name))
      throw invalidArgument(`override for unknown column ${JSON.stringify(name)}`, { column: name });
  }
  const requestFor = (name: string): MethodRequest => {
    const own = overrides[name]?.method;
    return own ? { method: own, perColumn: true } : { method: resolved.method, perColumn: false };
  };
  const pairs = pairColumns(reference, current);
  const outcomes = new Map<string, ColumnOutcome>();
  const numeric: { name: string; task: NumericTask }[] = [];
  for (const pair of pairs) {
    const override = overrides[pair.name];
    if (pair.kind === 'numeric') {
      numeric.push({
        name: pair.name,
        task: {
          reference: pair.reference.finite,
          current: pair.current.finite,
          request: requestFor(pair.name),
          ...(override?.type ? { type: override.type } : {}),
          ksMode: resolved.ksMode,
          histogramBins: options.charts === false ? 0 : resolved.histogramBins,
        },
      });
    } else if (pair.kind === 'categorical') {
      outcomes.set(
        pair.name,
        override?.type === 'numerical'
          ? failed('categorical', 'type override numerical does not fit: the column holds strings')
          : guarded('categorical', () =>
              analyzeCategoricalCounts(pair.reference.counts, pair.current.counts, requestFor(pair.name)),
            ),
      );
    }
  }
  const tasks = numeric.map((n) => n.task);
  const workers = defaultWorkerCount(tasks, options.workers);
  const pool = runner ?? (workers > 0 ? await startWorkerPool(workers) : inlineRunner);
  try {
    const results = await pool.run(tasks);
    for (const [i, n] of numeric.entries()) outcomes.set(n.name, results[i]!);
  } finally {
    if (!runner) await pool.close();
  }
  return assemble(reference, current, pairs, outcomes, resolved);
}

function assemble(
  reference: DriftTable,
  current: DriftTable,
  pairs: ReturnType<typeof pairColumns>,
  outcomes: Map<string, ColumnOutcome>,
  o: Resolved,
): DriftResult {
  const features: FeatureDrift[] = [];
  const charts = new Map<string, ColumnChart>();
  const missingTests: (UnadjustedMissingTest | null)[] = [];
  const skipped: { name: string; reason: string }[] = [];
  for (const pair of pairs) {
    if (pair.kind === 'skipped') {
      skipped.push({ name: pair.name, reason: pair.reason });
      continue;
    }
    const outcome = pair.kind === 'error' ? failed(pair.type, pair.error) : outcomes.get(pair.name)!;
    const m = pair.missing;
    missingTests.push(m ? missingShareTest(m.reference, m.rowsReference, m.current, m.rowsCurrent) : null);
    if (outcome.chart) charts.set(pair.name, outcome.chart);
    features.push(featureOf(pair.name, outcome, m ? missingTotal(m.reference) : 0, m ? missingTotal(m.current) : 0));
  }
  // Two families, each corrected across columns: the distribution tests, and the missing-share tests.
  const tested = features.filter((f) => f.p_value !== null);
  const adjusted = adjustPValues(
    tested.map((f) => f.p_value!),
    o.correction,
  );
  tested.forEach((f, i) => {
    f.p_value_adjusted = adjusted[i]!;
  });
  const missingFamily = missingTests.filter((t) => t !== null);
  const missingAdjusted = adjustPValues(
    missingFamily.map((t) => t.p_value),
    o.correction,
  );
  let next = 0;
  features.forEach((f, i) => {
    const notes = f.note ? [f.note] : [];
    const distribution =
      f.error === null && judgeDistribution(f.method, f.effect_size, f.p_value_adjusted, o.alpha, notes);
    const test = missingTests[i];
    f.missing = test ? judgeMissingShare(test, missingAdjusted[next++]!, o.alpha) : null;
    if (f.missing?.drifted) {
      notes.push(
        `missing share changed from ${percent(f.missing.share_reference)} to ${percent(f.missing.share_current)}`,
      );
    }
    f.drifted = f.error === null && (distribution || (f.missing?.drifted ?? false));
    f.note = notes.length > 0 ? notes.join('; ') : null;
  });
  const analysed = features.filter((f) => f.error === null);
  const drifted = analysed.filter((f) => f.drifted).length;
  const share = analysed.length > 0 ? drifted / analysed.length : 0;
  const side = (t: DriftTable) => ({
    rows: t.rowCount,
    source: t.source?.description ?? null,
    rejected_rows: t.source?.rejectedRows ?? 0,
  });
  return {
    report: {
      dataset_drift: analysed.length > 0 && share >= o.threshold,
      drift_share: share,
      drift_share_threshold: o.threshold,
      number_of_columns: analysed.length,
      number_of_drifted_columns: drifted,
      alpha: o.alpha,
      correction: o.correction,
      ks_mode: o.ksMode,
      reference: side(reference),
      current: side(current),
      features,
      skipped,
    },
    charts,
  };
}

function featureOf(name: string, o: ColumnOutcome, missingReference: number, missingCurrent: number): FeatureDrift {
  const info = o.method ? METHODS[o.method] : null;
  return {
    name,
    type: o.type,
    method: o.method,
    statistic: finiteOrNull(o.statistic),
    p_value: finiteOrNull(o.pValue),
    effect_size: finiteOrNull(o.effectSize),
    drifted: false,
    n_reference: o.nReference,
    n_current: o.nCurrent,
    missing_reference: missingReference,
    missing_current: missingCurrent,
    note: [...o.notes, ...(o.error ? [o.error] : [])].join('; ') || null,
    p_value_adjusted: null,
    effect_size_name: info?.effectSize ?? null,
    min_effect_size: info?.minEffect ?? null,
    missing: null,
    error: o.error ?? null,
  };
}

const finiteOrNull = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);

function resolveOptions(options: DriftOptions): Resolved {
  const method = parseMethodChoice(options.method ?? 'auto');
  const ksMode = options.ksMode ?? 'auto';
  if (!KS_MODES.includes(ksMode))
    throw invalidArgument(`ks mode ${JSON.stringify(ksMode)} is unknown: use auto, exact or asymp`);
  const alpha = options.alpha ?? 0.05;
  if (!(alpha > 0 && alpha < 1)) throw invalidArgument(`alpha must be in (0, 1), got ${alpha}`);
  const correction = options.correction ?? 'bh';
  if (!CORRECTIONS.includes(correction)) {
    throw invalidArgument(`correction ${JSON.stringify(correction)} is unknown: use none, bonferroni or bh`);
  }
  const threshold = options.driftShareThreshold ?? 0.5;
  if (!(threshold >= 0 && threshold <= 1))
    throw invalidArgument(`drift share threshold must be in [0, 1], got ${threshold}`);
  const histogramBins = options.histogramBins ?? 20;
  if (!Number.isInteger(histogramBins) || histogramBins < 1)
    throw invalidArgument('histogram bins must be a positive integer');
  if (options.workers !== undefined && !(Number.isInteger(options.workers) && options.workers >= 0)) {
    throw invalidArgument(`workers must be a whole number ≥ 0, got ${options.workers}`);
  }
  for (const [name, o] of Object.entries(options.columns ?? {})) {
    if (o.method) parseMethodChoice(o.method, `method for column ${JSON.stringify(name)}:`);
    if (o.type && !FEATURE_TYPES.includes(o.type)) {
      throw invalidArgument(`type for column ${JSON.stringify(name)} must be numerical or categorical`);
    }
  }
  return { method, ksMode, alpha, correction, threshold, histogramBins };
}
