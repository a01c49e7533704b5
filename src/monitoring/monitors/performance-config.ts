import { z } from 'zod';

/** The metrics a monitor can bound: those monitoring/performance computes (scikit-learn's definitions). */
export const PERFORMANCE_METRICS = [
  'accuracy',
  'precision',
  'recall',
  'f1',
  'roc_auc',
  'log_loss',
  'mae',
  'rmse',
] as const;
export type PerformanceMetric = (typeof PERFORMANCE_METRICS)[number];

/** Lower is better: bounded by `max`. The others are bounded by `min`. */
export const isLoss = (metric: PerformanceMetric) => metric === 'log_loss' || metric === 'mae' || metric === 'rmse';
/** Regression metrics: numeric predictions and labels. The others compare class labels. */
export const isRegression = (metric: PerformanceMetric) => metric === 'mae' || metric === 'rmse';
/** Metrics of the logged class probabilities, which need their class order (`classes`). */
export const needsScores = (metric: PerformanceMetric) => metric === 'roc_auc' || metric === 'log_loss';
const inUnitInterval = (metric: PerformanceMetric) => !isLoss(metric);

export type ClassLabel = string | number | boolean;

/** A monitor's performance bound (see config.ts for the rules). */
export interface PerformanceConfig {
  metric: PerformanceMetric;
  /** The lowest acceptable value of a higher-is-better metric. */
  min?: number | undefined;
  /** The highest acceptable value of a loss (`log_loss`, `mae`, `rmse`). */
  max?: number | undefined;
  /** Fewer labelled predictions in the window give no verdict. */
  minLabelled: number;
  /** The positive class of binary precision, recall, F1, ROC-AUC and log-loss. */
  positive?: ClassLabel | undefined;
  /** The class of each logged score, in order: `scores[j]` is P(`classes[j]`). */
  classes?: ClassLabel[] | undefined;
}

const label = z.union([z.string(), z.number(), z.boolean()]);

export const performanceSchema = z
  .object({
    metric: z.enum(PERFORMANCE_METRICS),
    min: z.number().optional(),
    max: z.number().optional(),
    minLabelled: z.number().int().positive().default(50),
    positive: label.optional(),
    classes: z.array(label).min(2).optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    const problem = (key: string, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
    const { metric } = p;
    const loss = isLoss(metric);
    if (p.min === undefined && p.max === undefined)
      problem(loss ? 'max' : 'min', `required: the value ${metric} must stay ${loss ? 'at or below' : 'at or above'}`);
    if (loss && p.min !== undefined) problem('min', `${metric} is a loss (lower is better): bound it with "max"`);
    if (!loss && p.max !== undefined) problem('max', `${metric} is higher-is-better: bound it with "min"`);
    for (const key of ['min', 'max'] as const) {
      const bound = p[key];
      if (bound === undefined) continue;
      if (inUnitInterval(metric) && !(bound >= 0 && bound <= 1))
        problem(key, `${metric} lies in [0, 1]; ${bound} is outside it`);
      if (loss && bound < 0) problem(key, `${metric} is never negative; ${bound} is below 0`);
    }
    if (isRegression(metric)) {
      if (p.positive !== undefined) problem('positive', `applies to classification metrics, not ${metric}`);
      if (p.classes !== undefined) problem('classes', `applies to classification metrics, not ${metric}`);
      return;
    }
    if (needsScores(metric) && p.classes === undefined)
      problem(
        'classes',
        `${metric} needs "classes": the class of each logged score, in order (the prediction log does not record it)`,
      );
    if (p.classes !== undefined) {
      if (new Set(p.classes).size !== p.classes.length) problem('classes', 'must be distinct');
      if (metric === 'roc_auc' && p.classes.length !== 2)
        problem('classes', `roc_auc is computed for two classes only, not ${p.classes.length}`);
      if (p.positive !== undefined && !p.classes.includes(p.positive))
        problem('positive', `${JSON.stringify(p.positive)} is not one of "classes"`);
    }
  });

/** One line for people: `accuracy >= 0.85`. */
export function describeBound(performance: unknown): string {
  const p = performance as Partial<PerformanceConfig> | undefined;
  if (!p?.metric) return '';
  return p.max !== undefined ? `${p.metric} <= ${p.max}` : `${p.metric} >= ${p.min}`;
}
