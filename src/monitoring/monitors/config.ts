import { z } from 'zod';
import { invalidArgument } from '../../core/errors.js';
import type { JsonObject } from '../../store/metadata-store.js';
import { DRIFT_METHODS } from '../drift/methods.js';

/**
 * What a monitor watches and does, as JSON:
 *
 * ```json
 * { "reference": "weather@1",
 *   "source": { "deployment": "rain" },            // or { "dataset": "weather" } (its newest version), { "file": "…" }
 *   "window": { "rows": 500 },                     // or { "minutes": 60 }: the latest predictions (deployments)
 *   "columns": ["temp_max", "temp_min", "wind"],   // compared columns (default: every column of the reference)
 *   "everySeconds": 60,
 *   "drift": { "method": "auto", "alpha": 0.05, "correction": "bh", "driftShareThreshold": 0.5 },
 *   "cooldownMinutes": 60,
 *   "actions": [ { "kind": "trigger", "trigger": "retrain", "param": "data" },
 *                { "kind": "webhook", "url": "http://127.0.0.1:9000/hook" } ] }
 * ```
 *
 * An alert is always recorded; actions run once per alert. `param` passes the drifted dataset version (a dataset
 * source) to the triggered pipeline as that parameter.
 */
export interface MonitorConfig {
  reference: string;
  source: { deployment: string } | { dataset: string } | { file: string };
  window: { rows?: number | undefined; minutes?: number | undefined };
  columns?: string[] | undefined;
  everySeconds: number;
  drift: {
    method?: (typeof DRIFT_METHODS)[number] | 'auto' | undefined;
    alpha?: number | undefined;
    correction?: 'none' | 'bonferroni' | 'bh' | undefined;
    driftShareThreshold?: number | undefined;
  };
  cooldownMinutes: number;
  actions: MonitorAction[];
}

export type MonitorAction =
  | { kind: 'trigger'; trigger: string; param?: string | undefined }
  | { kind: 'webhook'; url: string };

const schema = z
  .object({
    reference: z.string().min(1),
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
      .object({
        method: z.enum(['auto', ...DRIFT_METHODS]).optional(),
        alpha: z.number().gt(0).lt(1).optional(),
        correction: z.enum(['none', 'bonferroni', 'bh']).optional(),
        driftShareThreshold: z.number().gt(0).max(1).optional(),
      })
      .strict()
      .default({}),
    cooldownMinutes: z.number().nonnegative().default(60),
    actions: z
      .array(
        z.union([
          z
            .object({ kind: z.literal('trigger'), trigger: z.string().min(1), param: z.string().min(1).optional() })
            .strict(),
          z.object({ kind: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }) }).strict(),
        ]),
      )
      .default([]),
  })
  .strict();

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
