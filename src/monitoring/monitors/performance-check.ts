import { invalidArgument, isOspreyError } from '../../core/errors.js';
import type { JsonObject, JsonValue } from '../../store/metadata-store.js';
import type { PredictionRecord } from '../../store/monitors.js';
import {
  type ClassificationRow,
  classificationPerformance,
  multiclassLogLoss,
  regressionPerformance,
} from '../performance/index.js';
import {
  type ClassLabel,
  isLoss,
  isRegression,
  needsScores,
  type PerformanceConfig,
  type PerformanceMetric,
} from './performance-config.js';

/** What one evaluation found about the model's performance on the window. */
export interface PerformanceVerdict {
  metric: PerformanceMetric;
  min: number | null;
  max: number | null;
  /** The metric on the window's labelled predictions; null without a verdict (`note` says why). */
  value: number | null;
  /** The champion version whose predictions count (every prediction's when the endpoint has no deployment). */
  championVersion: string | null;
  /** The window's predictions that count, and those of them whose label has arrived. */
  predictions: number;
  labelled: number;
  /** Outside the bound: true; within: false; no verdict: null. */
  breached: boolean | null;
  /** The alert's one line when breached: `accuracy 0.71 < 0.85 on 120 labelled predictions`. */
  message: string | null;
  note: string | null;
  /** Every metric computed on the labelled predictions (the evidence). */
  metrics: JsonObject | null;
}

/**
 * The performance verdict of a window of the prediction log: the configured metric on the predictions of
 * `championVersion` (all of them when null) whose label has arrived, computed by monitoring/performance. No
 * verdict (`breached` null, with a note) when fewer than `minLabelled` are labelled, when the metric is undefined
 * for the window (ROC-AUC of one class), or when the log holds values it cannot use (named in the note).
 */
export function checkPerformance(
  config: PerformanceConfig,
  window: readonly PredictionRecord[],
  championVersion: string | null,
): PerformanceVerdict {
  const counted = championVersion === null ? window : window.filter((p) => p.modelVersion === championVersion);
  const labelled = counted.filter((p) => p.label !== null);
  const verdict: PerformanceVerdict = {
    metric: config.metric,
    min: config.min ?? null,
    max: config.max ?? null,
    value: null,
    championVersion,
    predictions: counted.length,
    labelled: labelled.length,
    breached: null,
    message: null,
    note: null,
    metrics: null,
  };
  if (labelled.length < config.minLabelled) {
    const whose = championVersion === null ? '' : ` of champion version ${championVersion}`;
    verdict.note = `${labelled.length} labelled predictions${whose} in the window, fewer than minLabelled ${config.minLabelled}: no verdict`;
    return verdict;
  }
  let computed: { value: number | null; metrics: JsonObject; notes: string[] };
  try {
    computed = isRegression(config.metric) ? regression(config, labelled) : classification(config, labelled);
  } catch (error) {
    if (!isOspreyError(error, 'INVALID_ARGUMENT')) throw error;
    verdict.note = `cannot compute ${config.metric}: ${error.message}`;
    return verdict;
  }
  verdict.metrics = computed.metrics;
  if (computed.value === null) {
    verdict.note = `${config.metric} is not defined for this window: ${computed.notes.join('; ')}`;
    return verdict;
  }
  const value = computed.value;
  verdict.value = value;
  const loss = isLoss(config.metric);
  const bound = (loss ? config.max : config.min) as number;
  verdict.breached = loss ? value > bound : value < bound;
  if (verdict.breached)
    verdict.message = `${config.metric} ${shown(value, bound)} ${loss ? '>' : '<'} ${bound} on ${labelled.length} labelled predictions`;
  return verdict;
}

/** Four significant digits, more when those would read as the bound itself. */
function shown(value: number, bound: number): string {
  const short = Number(value.toPrecision(4));
  return String(short === bound ? value : short);
}

function regression(config: PerformanceConfig, rows: readonly PredictionRecord[]) {
  const joined = rows.map((p) => ({
    prediction: numberOf(p.prediction, p, 'prediction'),
    label: numberOf(p.label, p, 'label'),
  }));
  const metrics = regressionPerformance(joined);
  return { value: config.metric === 'mae' ? metrics.mae : metrics.rmse, metrics: { ...metrics }, notes: [] };
}

function classification(config: PerformanceConfig, rows: readonly PredictionRecord[]) {
  const classes = config.classes;
  const positive = config.positive ?? (classes?.length === 2 ? classes[1] : undefined);
  const binaryScores = needsScores(config.metric) && classes?.length === 2;
  const joined: ClassificationRow[] = rows.map((p) => ({
    prediction: labelOf(p.prediction, p, 'prediction'),
    label: labelOf(p.label, p, 'label'),
    ...(binaryScores ? { scores: positiveProbability(p, classes, positive as ClassLabel) } : {}),
  }));
  const metrics = classificationPerformance(joined, positive === undefined ? {} : { positiveLabel: positive });
  let notes = metrics.notes;
  let logLoss = metrics.logLoss;
  if (config.metric === 'log_loss' && classes !== undefined && classes.length > 2) {
    logLoss = multiclassLogLoss(
      joined.map((r) => r.label),
      rows.map((p) => probabilities(p, classes)),
      classes,
    );
    notes = notes.map((n) => n.replace('ROC-AUC and log-loss are', 'ROC-AUC is'));
  }
  const value = {
    accuracy: metrics.accuracy,
    precision: metrics.precision,
    recall: metrics.recall,
    f1: metrics.f1,
    roc_auc: metrics.rocAuc,
    log_loss: logLoss,
  }[config.metric as Exclude<PerformanceMetric, 'mae' | 'rmse'>];
  return { value, metrics: { ...metrics, logLoss, notes } as unknown as JsonObject, notes };
}

const where = (p: PredictionRecord, what: string) => `the ${what} of request ${JSON.stringify(p.requestId)}`;

function labelOf(value: JsonValue, p: PredictionRecord, what: string): ClassLabel {
  if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)))
    return value;
  throw invalidArgument(`${where(p, what)} is ${JSON.stringify(value)}, not a class label`);
}

function numberOf(value: JsonValue, p: PredictionRecord, what: string): number {
  const one = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (typeof one === 'number' && Number.isFinite(one)) return one;
  throw invalidArgument(`${where(p, what)} is ${JSON.stringify(value)}, not a number`);
}

/** The logged scores as one probability per class of `classes` (a lone score of two classes is P(classes[1])). */
function probabilities(p: PredictionRecord, classes: readonly ClassLabel[]): number[] {
  const scores = p.scores;
  const values = Array.isArray(scores) ? scores : scores === null ? [] : [scores];
  if (classes.length === 2 && values.length === 1 && typeof values[0] === 'number') return [1 - values[0], values[0]];
  if (values.length === classes.length && values.every((v) => typeof v === 'number')) return values as number[];
  throw invalidArgument(
    `${where(p, 'scores')} are ${JSON.stringify(scores)}: expected one probability per class of ${JSON.stringify(classes)}`,
  );
}

function positiveProbability(p: PredictionRecord, classes: readonly ClassLabel[], positive: ClassLabel): number {
  return probabilities(p, classes)[classes.indexOf(positive)]!;
}
