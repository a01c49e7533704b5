import { z } from 'zod';
import { invalidArgument } from '../../core/errors.js';

/**
 * A deployment gate's policy, as JSON:
 *
 * ```json
 * { "thresholds": { "accuracy": { "min": 0.85 }, "log_loss": { "max": 0.5 } },
 *   "noWorseThanChampion": { "metrics": ["accuracy", "log_loss"], "tolerance": 0.0 },
 *   "requireChampion": false,
 *   "directions": { "brier_skill": "higher" } }
 * ```
 *
 * - `thresholds`: bounds the candidate's metric must meet, both inclusive (`min ≤ value ≤ max`).
 * - `noWorseThanChampion`: the candidate may be worse than the champion (both evaluated on the same holdout) by at
 *   most `tolerance` (absolute; one number, or one per metric, default 0) on each listed metric. "Worse" follows the
 *   metric's direction: higher is better, except for names with a token such as loss, error, rmse, mse, mae, mape
 *   (`log_loss`, `logLoss`, `val-error`), or as `directions` says.
 * - `requireChampion`: without it, a gate given no champion (a first model) skips the champion comparison; with it,
 *   that fails the gate.
 *
 * A policy must contain at least one check. A metric missing from the candidate (or the champion) fails its check,
 * naming the metric.
 */
export interface GatePolicy {
  thresholds?: Record<string, Bounds>;
  noWorseThanChampion?: { metrics: string[]; tolerance?: number | Record<string, number> };
  requireChampion?: boolean;
  directions?: Record<string, Direction>;
}
export interface Bounds {
  min?: number;
  max?: number;
}
/** Which way a metric improves. */
export type Direction = 'higher' | 'lower';

/** The report artifact's format version. */
export const GATE_REPORT_KIND = 'osprey.gate-report/v1';

/** The outcome of one check, as written in the report. */
export interface GateCheck {
  /** `threshold:<metric>` or `champion:<metric>` (`champion` for requireChampion). */
  id: string;
  kind: 'threshold' | 'champion';
  metric: string;
  /** The candidate's value, or null when it has none (or not a number). */
  candidate: number | null;
  /** Threshold checks: the bounds. */
  threshold?: Bounds;
  /** Champion checks: the champion's value on the same holdout, its direction and the tolerance. */
  champion?: number | null;
  direction?: Direction;
  tolerance?: number;
  /** A skipped check (no champion to compare with) does not block: `passed` is true. */
  status: 'passed' | 'failed' | 'skipped';
  passed: boolean;
  /** One line a person can act on. */
  reason: string;
}

export interface GateReport {
  kind: typeof GATE_REPORT_KIND;
  passed: boolean;
  /** One line: how many checks passed, or which failed and why. */
  summary: string;
  checks: GateCheck[];
  /** Whether a champion's metrics were given, and the holdouts both were evaluated on (when their metadata say). */
  champion: { given: boolean; holdout: string | null };
  candidate: { holdout: string | null };
  policy: GatePolicy;
}

/** Metrics as read from a Metrics artifact: a JSON object; its numbers are the metrics. */
export type MetricValues = Readonly<Record<string, unknown>>;

const metricName = z.string().min(1).max(250);
const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const bounds = z
  .object({ min: finite.optional(), max: finite.optional() })
  .strict()
  .refine((b) => b.min !== undefined || b.max !== undefined, 'give min, max or both')
  .refine((b) => b.min === undefined || b.max === undefined || b.min <= b.max, 'min is greater than max');
const tolerance = finite.refine((t) => t >= 0, 'must be ≥ 0');
const schema = z
  .object({
    thresholds: z.record(metricName, bounds).optional(),
    noWorseThanChampion: z
      .object({
        metrics: z.array(metricName).min(1, 'list at least one metric'),
        tolerance: z.union([tolerance, z.record(metricName, tolerance)]).optional(),
      })
      .strict()
      .optional(),
    requireChampion: z.boolean().optional(),
    directions: z.record(metricName, z.enum(['higher', 'lower'])).optional(),
  })
  .strict();

/** Checks the policy JSON; a mistake is INVALID_ARGUMENT naming the field. */
export function parseGatePolicy(value: unknown): GatePolicy {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(root)';
    throw invalidArgument(`gate policy: ${where}: ${issue?.message ?? 'invalid'}`, { field: where });
  }
  const policy = parsed.data as GatePolicy;
  const thresholds = Object.keys(policy.thresholds ?? {}).length;
  if (thresholds === 0 && !policy.noWorseThanChampion && !policy.requireChampion) {
    throw invalidArgument(
      'gate policy: (root): no checks; give thresholds (e.g. {"accuracy":{"min":0.85}}) and/or noWorseThanChampion',
    );
  }
  const tolerances = policy.noWorseThanChampion?.tolerance;
  if (tolerances !== undefined && typeof tolerances === 'object') {
    const listed = new Set(policy.noWorseThanChampion?.metrics);
    const stray = Object.keys(tolerances).find((m) => !listed.has(m));
    if (stray !== undefined)
      throw invalidArgument(
        `gate policy: noWorseThanChampion.tolerance.${stray}: '${stray}' is not in noWorseThanChampion.metrics`,
        { field: `noWorseThanChampion.tolerance.${stray}` },
      );
  }
  return policy;
}

/** Parses a Metrics artifact's text: a JSON object (its number fields are the metrics). */
export function parseMetrics(text: string, what: string): MetricValues {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`${what} metrics are not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw invalidArgument(`${what} metrics must be a JSON object of numbers, like {"accuracy": 0.93}`);
  return value as MetricValues;
}

// Name tokens that mark a lower-is-better metric: `log_loss`, `logLoss`, `val-error`, `rmse`…
const LOWER_IS_BETTER = new Set(['loss', 'logloss', 'error', 'errors', 'err', 'rmse', 'mse', 'mae', 'mape', 'smape']);

/** The direction of a metric: the policy's `directions`, else lower for loss/error-like names, else higher. */
export function metricDirection(metric: string, directions: GatePolicy['directions'] = {}): Direction {
  const declared = directions[metric];
  if (declared) return declared;
  const tokens = metric
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return tokens.some((t) => LOWER_IS_BETTER.has(t)) ? 'lower' : 'higher';
}

/**
 * Judges a candidate's metrics (and optionally a champion's, on the same holdout) against a parsed policy. Pure: the
 * `gate` component reads the artifacts and writes the report. `holdouts` are the digests of the data each set of
 * metrics was computed on, when known: different digests make the champion comparison fail (not comparable).
 */
export function evaluateGate(
  policy: GatePolicy,
  candidate: MetricValues,
  champion: MetricValues | null,
  holdouts: { candidate?: string | null; champion?: string | null } = {},
): GateReport {
  const checks: GateCheck[] = [];
  for (const [metric, threshold] of Object.entries(policy.thresholds ?? {})) {
    checks.push(thresholdCheck(metric, threshold, candidate));
  }
  const candidateHoldout = holdouts.candidate ?? null;
  const championHoldout = champion ? (holdouts.champion ?? null) : null;
  const compare = policy.noWorseThanChampion;
  if (!champion && policy.requireChampion && !compare) {
    checks.push({
      id: 'champion',
      kind: 'champion',
      metric: '',
      candidate: null,
      champion: null,
      status: 'failed',
      passed: false,
      reason: 'the policy requires a champion to compare with (requireChampion), and no champion metrics were given',
    });
  }
  for (const metric of compare?.metrics ?? []) {
    const tol = typeof compare?.tolerance === 'number' ? compare.tolerance : (compare?.tolerance?.[metric] ?? 0);
    const direction = metricDirection(metric, policy.directions);
    const base = { id: `champion:${metric}`, kind: 'champion' as const, metric, direction, tolerance: tol };
    const value = numberOrNull(metricOf(candidate, metric));
    if (!champion) {
      checks.push({
        ...base,
        candidate: value,
        champion: null,
        status: policy.requireChampion ? 'failed' : 'skipped',
        passed: !policy.requireChampion,
        reason: policy.requireChampion
          ? `${metric}: no champion metrics given, and the policy requires a champion to compare with`
          : `no champion metrics given (a first model): ${metric} not compared`,
      });
      continue;
    }
    const theirs = numberOrNull(metricOf(champion, metric));
    const fail = (reason: string): GateCheck => ({
      ...base,
      candidate: value,
      champion: theirs,
      status: 'failed',
      passed: false,
      reason,
    });
    if (candidateHoldout && championHoldout && candidateHoldout !== championHoldout) {
      checks.push(
        fail(
          `${metric}: candidate and champion were evaluated on different holdouts ` +
            `(${short(candidateHoldout)} vs ${short(championHoldout)}), so they cannot be compared`,
        ),
      );
      continue;
    }
    const missing = missingReason(metric, candidate, 'candidate') ?? missingReason(metric, champion, 'champion');
    if (missing || value === null || theirs === null) {
      checks.push(fail(missing ?? `${metric}: not a number`));
      continue;
    }
    const worseBy = direction === 'higher' ? theirs - value : value - theirs;
    const way = `${direction} is better, tolerance ${tol}`;
    checks.push(
      worseBy > tol
        ? fail(`${metric} ${fmt(value)} is worse than the champion's ${fmt(theirs)} by ${fmt(worseBy)} (${way})`)
        : {
            ...base,
            candidate: value,
            champion: theirs,
            status: 'passed',
            passed: true,
            reason: `${metric} ${fmt(value)} is no worse than the champion's ${fmt(theirs)} (${way})`,
          },
    );
  }
  const failed = checks.filter((c) => c.status === 'failed');
  const skipped = checks.filter((c) => c.status === 'skipped').length;
  const summary =
    failed.length === 0
      ? `passed: ${checks.length - skipped} of ${checks.length} checks passed${skipped ? `, ${skipped} skipped` : ''}`
      : `failed ${failed.length} of ${checks.length} checks: ${failed.map((c) => c.reason).join('; ')}`;
  return {
    kind: GATE_REPORT_KIND,
    passed: failed.length === 0,
    summary,
    checks,
    champion: { given: champion !== null, holdout: championHoldout },
    candidate: { holdout: candidateHoldout },
    policy,
  };
}

function thresholdCheck(metric: string, threshold: Bounds, candidate: MetricValues): GateCheck {
  const value = numberOrNull(metricOf(candidate, metric));
  const base = { id: `threshold:${metric}`, kind: 'threshold' as const, metric, candidate: value, threshold };
  const missing = missingReason(metric, candidate, 'candidate');
  if (missing || value === null)
    return { ...base, status: 'failed', passed: false, reason: missing ?? `${metric}: not a number` };
  const { min, max } = threshold;
  const reason =
    min !== undefined && value < min
      ? `${metric} ${fmt(value)} is below the minimum ${min}`
      : max !== undefined && value > max
        ? `${metric} ${fmt(value)} is above the maximum ${max}`
        : null;
  if (reason) return { ...base, status: 'failed', passed: false, reason };
  const bounds = [min === undefined ? null : `≥ ${min}`, max === undefined ? null : `≤ ${max}`].filter(Boolean);
  return { ...base, status: 'passed', passed: true, reason: `${metric} ${fmt(value)} ${bounds.join(' and ')}` };
}

/** Why a metric value cannot be judged (absent, or not a finite number), or null when it can. */
function missingReason(metric: string, metrics: MetricValues, whose: 'candidate' | 'champion'): string | null {
  const raw = metricOf(metrics, metric);
  if (raw === undefined) {
    const names = Object.keys(metrics).sort();
    const has = names.length ? `it has ${names.map((n) => `'${n}'`).join(', ')}` : 'it has none';
    return `${metric}: the ${whose} metrics have no '${metric}' (${has})`;
  }
  if (typeof raw !== 'number' || !Number.isFinite(raw))
    return `${metric}: the ${whose}'s '${metric}' is not a finite number (${JSON.stringify(raw) ?? String(raw)})`;
  return null;
}

/** A metric's own value (never an inherited property such as `constructor`). */
const metricOf = (metrics: MetricValues, metric: string): unknown =>
  Object.hasOwn(metrics, metric) ? metrics[metric] : undefined;
const numberOrNull = (raw: unknown): number | null => (typeof raw === 'number' && Number.isFinite(raw) ? raw : null);
const fmt = (n: number) => String(Number(n.toPrecision(6)));
const short = (digest: string) => `sha256:${digest.replace(/^sha256:/, '').slice(0, 12)}`;

/** Tag keys recording a gate decision on a model version (see `gateTags`). */
export const GATE_TAGS = {
  passed: 'osprey.gate.passed',
  report: 'osprey.gate.report',
  reportDigest: 'osprey.gate.report.digest',
} as const;

/** The longest `osprey.gate.report` tag value written (model version tag values may hold 5,000 characters). */
export const GATE_TAG_LENGTH = 1000;

/**
 * Tags that record a gate decision in a model version's history, for `ctx.registerModel(..., { tags })`:
 * `osprey.gate.passed` (`true`/`false`), `osprey.gate.report` (short JSON: each check's id, status, candidate value
 * and threshold or champion value; failed checks first kept when it must be cut to GATE_TAG_LENGTH) and, when the
 * report artifact's digest is given, `osprey.gate.report.digest` (`sha256:…`, the full report in the artifact store).
 */
export function gateTags(report: GateReport, reportDigest?: string): Record<string, string> {
  const brief = report.checks.map((c) => ({
    check: c.id,
    status: c.status,
    candidate: c.candidate,
    ...(c.threshold ?? {}),
    ...(c.kind === 'champion' && c.id !== 'champion' ? { champion: c.champion ?? null, tolerance: c.tolerance } : {}),
  }));
  const ordered = [...brief.filter((c) => c.status === 'failed'), ...brief.filter((c) => c.status !== 'failed')];
  let kept = ordered.length;
  const text = (n: number) =>
    JSON.stringify({
      passed: report.passed,
      checks: ordered.slice(0, n),
      ...(n < ordered.length ? { more: ordered.length - n } : {}),
    });
  while (kept > 0 && text(kept).length > GATE_TAG_LENGTH) kept--;
  const tags: Record<string, string> = {
    [GATE_TAGS.passed]: String(report.passed),
    [GATE_TAGS.report]: text(kept),
  };
  if (reportDigest) tags[GATE_TAGS.reportDigest] = `sha256:${reportDigest.replace(/^sha256:/, '')}`;
  return tags;
}

/** Reads a gate report artifact's text, checking its kind. */
export function parseGateReport(text: string): GateReport {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw invalidArgument(`not a gate report: ${(error as Error).message}`);
  }
  const report = value as Partial<GateReport> | null;
  if (report?.kind !== GATE_REPORT_KIND || typeof report.passed !== 'boolean' || !Array.isArray(report.checks))
    throw invalidArgument(`not a gate report (expected kind ${GATE_REPORT_KIND})`);
  return report as GateReport;
}
