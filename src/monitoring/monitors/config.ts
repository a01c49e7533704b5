import { z } from 'zod';
import { invalidArgument } from '../../core/errors.js';
import type { JsonObject } from '../../store/metadata-store.js';
import { DRIFT_METHODS } from '../drift/methods.js';
import { type PerformanceConfig, performanceSchema } from './performance-config.js';

/**
 * What a monitor watches and does, as JSON:
 *
 * ```json
 * { "reference": "weather@1",                      // or { "champion": "rain" }: what the endpoint's champion was trained on
 *   "source": { "deployment": "rain" },            // or { "dataset": "weather" } (its newest version), { "file": "…" }
 *   "window": { "rows": 500 },                     // or { "minutes": 60 }: the latest predictions (deployments)
 *   "columns": ["temp_max", "temp_min", "wind"],   // compared columns (default: every column of the reference)
 *   "everySeconds": 60,
 *   "drift": { "method": "auto", "alpha": 0.05, "correction": "bh", "driftShareThreshold": 0.5 },
 *   "performance": { "metric": "accuracy", "min": 0.85, "minLabelled": 50 },   // deployments only; optional
 *   "cooldownMinutes": 60,
 *   "actions": [ { "kind": "trigger", "trigger": "retrain", "param": "data", "dataset": "seattle-weather",
 *                  "championParam": "champion" },
 *                { "kind": "webhook", "url": "http://127.0.0.1:9000/hook" } ] }
 * ```
 *
 * Reference: a dataset version (`name@N`; `name` is its newest version), a file, or `{ "champion": ENDPOINT }`,
 * resolved at every evaluation: the endpoint's deployment → its champion model version → the run that produced it
 * → the Osprey dataset version it was trained on (the run's dataset inputs as lineage links them; for a version
 * registered by a pipeline step with no linked dataset input, the pipeline run's). With several, the input whose
 * context (MLflow's `mlflow.data.context`, the pipeline parameter name) is `data`, else `training`, else `train`,
 * else the first logged. The dataset version compared with is recorded in the monitor's state (`last.reference`).
 *
 * Performance (a deployment source only): the window's predictions whose ground-truth label has arrived (attached
 * later by request id), scored with monitoring/performance (scikit-learn's definitions). `metric` is
 * one of `accuracy`, `precision`, `recall`, `f1`, `roc_auc` (bounded below by `min`, in [0, 1]) or `log_loss`, `mae`,
 * `rmse` (losses, bounded above by `max`). Classification compares the logged prediction (the class label) with
 * the label, by value and kind (`1` is not `"1"`); precision, recall and F1 are of the class `positive` when the
 * window holds at most two classes, one of them `positive`, else their macro average (scikit-learn's rule; without
 * `positive` and with `classes` of two, the second class is positive). `roc_auc` and `log_loss` read the logged
 * class probabilities (`scores`), whose class order the log does not record: they need `classes`, the class of
 * each score in order (a lone score of two classes is P(classes[1])); `roc_auc` is binary only, `log_loss` also
 * multiclass. `mae` and `rmse` need numeric predictions and labels. Only the champion version's predictions count
 * (all of them when the endpoint has no deployment record): a canary's answers are the rollout's to judge. Fewer
 * than `minLabelled` (default 50) labelled predictions, a metric undefined for the window, or values it cannot
 * use give no verdict, said in `state.last.performance.note`.
 *
 * `"drift": false` turns drift off: a performance-only monitor, which then takes no `reference` and needs a
 * `performance` block.
 *
 * Alerts: `data_drift` when the current window drifted from the reference — one per drift episode, none within
 * the cooldown of the previous one — and `performance` when the metric is outside its bound — one per performance
 * episode (breaching evaluations in a row; it ends at the next verdict within the bound), its own episode, so an
 * evaluation can raise both kinds; the cooldown counts from the last alert of either kind (one retraining at a time).
 * Both run every action (trigger, webhook). `operational` when the monitor cannot read its source or reference (the
 * prediction log, a missing dataset or file, an endpoint without a champion or champion without training data):
 * one per failure episode, which ends at the next evaluation that reads both; it neither starts nor ends a drift
 * or performance episode (a reference that cannot be read still leaves the performance verdict, which reads only
 * the prediction log). Actions run once per alert; an `operational` alert fires no trigger (retraining cannot fix a read
 * failure; the outcome says it was skipped) but does call webhooks (someone should learn the monitor is blind; the
 * payload's `alert.kind` tells the two apart).
 *
 * Trigger parameters: `param` alone passes a dataset source's name (the triggered pipeline reads its newest
 * version); `param` with `dataset` passes the newest version of that dataset at alert time (`seattle-weather@3`);
 * `championParam` passes the champion of the monitor's endpoint (the deployment source, else the champion
 * reference) at alert time as `models:/NAME/VERSION`.
 */
export interface MonitorConfig {
  /** Absent only when drift is off. */
  reference?: MonitorReference | undefined;
  source: { deployment: string } | { dataset: string } | { file: string };
  window: { rows?: number | undefined; minutes?: number | undefined };
  columns?: string[] | undefined;
  everySeconds: number;
  /** False: drift is not watched (a performance-only monitor). */
  drift: DriftSettings | false;
  performance?: PerformanceConfig | undefined;
  cooldownMinutes: number;
  actions: MonitorAction[];
}

export interface DriftSettings {
  method?: (typeof DRIFT_METHODS)[number] | 'auto' | undefined;
  alpha?: number | undefined;
  correction?: 'none' | 'bonferroni' | 'bh' | undefined;
  driftShareThreshold?: number | undefined;
}

/** A dataset version reference or file, or the training data of an endpoint's champion. */
export type MonitorReference = string | { champion: string };

export type MonitorAction =
  | {
      kind: 'trigger';
      trigger: string;
      param?: string | undefined;
      dataset?: string | undefined;
      championParam?: string | undefined;
    }
  | { kind: 'webhook'; url: string };

const triggerAction = z
  .object({
    kind: z.literal('trigger'),
    trigger: z.string().min(1),
    param: z.string().min(1).optional(),
    dataset: z.string().min(1).optional(),
    championParam: z.string().min(1).optional(),
  })
  .strict()
  .refine((a) => a.dataset === undefined || a.param !== undefined, {
    message: '"dataset" names the dataset whose newest version is passed as "param": give "param" too',
    path: ['dataset'],
  })
  .refine((a) => a.championParam === undefined || a.championParam !== a.param, {
    message: '"championParam" and "param" must be different parameters',
    path: ['championParam'],
  });

const schema = z
  .object({
    reference: z.union([z.string().min(1), z.object({ champion: z.string().min(1) }).strict()]).optional(),
    source: z.union([
      z.object({ deployment: z.string().min(1) }).strict(),
      z.object({ dataset: z.string().min(1) }).strict(),
      z.object({ file: z.string().min(1) }).strict(),
    ]),
    window: z
      .object({ rows: z.number().int().positive().optional(), minutes: z.number().positive().optional() })
      .strict()
      .default({ rows: 1000 }),
    columns: z.array(z.string().min(1)).min(1).optional(),
    everySeconds: z.number().positive().default(60),
    drift: z
      .union([
        z.literal(false),
        z
          .object({
            method: z.enum(['auto', ...DRIFT_METHODS]).optional(),
            alpha: z.number().gt(0).lt(1).optional(),
            correction: z.enum(['none', 'bonferroni', 'bh']).optional(),
            driftShareThreshold: z.number().gt(0).max(1).optional(),
          })
          .strict(),
      ])
      .default({}),
    performance: performanceSchema.optional(),
    cooldownMinutes: z.number().nonnegative().default(60),
    actions: z
      .array(
        z.union([
          triggerAction,
          z.object({ kind: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }) }).strict(),
        ]),
      )
      .default([]),
  })
  .strict()
  .superRefine((config, ctx) => {
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (config.drift === false) {
      if (config.reference !== undefined)
        problem('reference', 'is compared only for drift, which is off ("drift": false)');
      if (config.performance === undefined)
        problem('drift', 'false needs a "performance" block: the monitor would watch nothing');
    } else if (config.reference === undefined)
      problem('reference', 'required (a dataset version, a file or { "champion": ENDPOINT }), unless "drift" is false');
    if (config.performance !== undefined && !('deployment' in config.source))
      problem('performance', "needs a deployment source: labels arrive in a deployment's prediction log");
    const endpoint =
      'deployment' in config.source || (config.reference !== undefined && typeof config.reference !== 'string');
    config.actions.forEach((action, i) => {
      if (action.kind === 'trigger' && action.championParam !== undefined && !endpoint)
        ctx.addIssue({
          code: 'custom',
          path: ['actions', i, 'championParam'],
          message: 'needs an endpoint: a deployment source or a champion reference',
        });
    });
  });

/** The monitor configuration in `value`, defaults filled in; INVALID_ARGUMENT naming each problem. */
export function parseMonitorConfig(value: unknown): MonitorConfig {
  const result = schema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw invalidArgument(`invalid monitor configuration: ${problems.join('; ')}`, { problems });
  }
  return result.data as MonitorConfig;
}

export const configJson = (config: MonitorConfig): JsonObject => JSON.parse(JSON.stringify(config)) as JsonObject;

/** The endpoint a monitor is about: its deployment source, else its champion reference's; null when neither. */
export function monitoredEndpoint(config: MonitorConfig): string | null {
  if ('deployment' in config.source) return config.source.deployment;
  return config.reference === undefined || typeof config.reference === 'string' ? null : config.reference.champion;
}

/** The reference as people read it: `weather@1`, a path, `champion of rain`, or `-` (none: drift is off). */
export function describeReference(reference: unknown): string {
  if (reference === undefined) return '-';
  if (typeof reference === 'string') return reference;
  const champion = (reference as { champion?: unknown } | null)?.champion;
  return typeof champion === 'string' ? `champion of ${champion}` : JSON.stringify(reference);
}
