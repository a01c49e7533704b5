import { invalidArgument } from '../core/errors.js';
import type { Metric, Tag, TrackedDataset } from '../store/tracking.js';

/**
 * MLflow's limits and checks on what clients log (mlflow/utils/validation.py), with its messages, so MLflow
 * clients see the behaviour they know. Lengths count characters (code points), as Python does.
 */
export const LIMITS = {
  metricsPerBatch: 1000,
  paramsPerBatch: 100,
  tagsPerBatch: 100,
  entitiesPerBatch: 1000,
  keyLength: 250,
  paramValueLength: 6000,
  tagValueLength: 8000,
  experimentNameLength: 500,
  experimentTagKeyLength: 250,
  experimentTagValueLength: 5000,
  runNameLength: 250,
  datasetNameLength: 500,
  /** MLflow allows 36; Osprey's digests are SHA-256 (64 hex), so a full one fits. */
  datasetDigestLength: 64,
  datasetSourceLength: 65_535,
  datasetSchemaLength: 1_048_575,
  datasetProfileLength: 16_777_215,
  inputTagKeyLength: 255,
  inputTagValueLength: 500,
} as const;

/** Alphanumerics (any script), `_`, `-`, `.`, space and `/`, as Python's `[/\w.\- ]`. */
const VALID_NAME = /^[/\p{L}\p{N}\p{M}_.\- ]*$/u;
const BAD_CHARACTERS =
  'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';

function codePointLength(value: string): number {
  let n = 0;
  for (const _ of value) n++;
  return n;
}

/** Python's posixpath.normpath, for the "names must not resolve to other names" check. */
export function normPath(path: string): string {
  if (path === '') return '.';
  const initialSlashes = path.startsWith('//') && !path.startsWith('///') ? 2 : path.startsWith('/') ? 1 : 0;
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part !== '..' || (initialSlashes === 0 && parts.length === 0) || parts.at(-1) === '..') parts.push(part);
    else if (parts.length > 0) parts.pop();
  }
  const joined = '/'.repeat(initialSlashes) + parts.join('/');
  return joined || '.';
}

/** Names already found valid (metric keys repeat on every point logged); bounded. */
const validNames = new Set<string>();

function validateName(kind: 'metric' | 'parameter' | 'tag', name: string): void {
  const cacheKey = `${kind[0]}${name}`;
  if (validNames.has(cacheKey)) return;
  if (!VALID_NAME.test(name)) throw invalidArgument(`Invalid ${kind} name: '${name}'. ${BAD_CHARACTERS}`, { name });
  const norm = name.includes('/') ? normPath(name) : name || '.';
  if (norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/')) {
    throw invalidArgument(
      `Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${norm}'`,
      { name },
    );
  }
  if (validNames.size >= 10_000) validNames.clear();
  validNames.add(cacheKey);
}

export function validateLength(entity: string, limit: number, value: string): void {
  if (value.length <= limit) return;
  const length = codePointLength(value);
  if (length > limit) {
    throw invalidArgument(
      `${entity} '${[...value].slice(0, 250).join('')}' had length ${length}, which exceeded length limit of ${limit}`,
    );
  }
}

export function validateMetric(metric: Metric): void {
  validateName('metric', metric.key);
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    throw invalidArgument(
      `Got invalid timestamp ${metric.timestamp} for metric '${metric.key}' (value=${metric.value}). Timestamp must be a nonnegative long (64-bit integer) `,
    );
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw invalidArgument(
      `Got invalid step ${metric.step} for metric '${metric.key}' (value=${metric.value}). Step must be a valid long (64-bit integer).`,
    );
  }
  validateLength('Metric name', LIMITS.keyLength, metric.key);
}

export function validateParam(param: Tag): void {
  validateName('parameter', param.key);
  validateLength('Param key', LIMITS.keyLength, param.key);
  validateLength('Param value', LIMITS.paramValueLength, param.value);
}

export function validateRunTag(tag: Tag): void {
  validateName('tag', tag.key);
  validateLength('Tag key', LIMITS.keyLength, tag.key);
  validateLength('Tag value', LIMITS.tagValueLength, tag.value);
}

export function validateExperimentTag(tag: Tag): void {
  validateName('tag', tag.key);
  validateLength('Tag key', LIMITS.experimentTagKeyLength, tag.key);
  validateLength('Tag value', LIMITS.experimentTagValueLength, tag.value);
}

export function validateExperimentName(name: string): void {
  if (name === '') throw invalidArgument(`Invalid experiment name: '${name}'`);
  if (codePointLength(name) > LIMITS.experimentNameLength) {
    throw invalidArgument(`Experiment name exceeds the maximum length of ${LIMITS.experimentNameLength} characters`);
  }
}

export function validateRunName(name: string): void {
  validateLength('Run name', LIMITS.runNameLength, name);
}

const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;

export function validateRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw invalidArgument(`Invalid run ID: '${runId}'`, { runId });
}

function batchLimit(entity: string, limit: number, count: number): void {
  if (count > limit) {
    throw invalidArgument(
      `A batch logging request can contain at most ${limit} ${entity}. Got ${count} ${entity}. Please split up ${entity} across multiple requests and try again.`,
    );
  }
}

/** Counts first (as MLflow does), then every entry, then unique param keys. */
export function validateBatch(metrics: Metric[], params: Tag[], tags: Tag[]): void {
  batchLimit('metrics', LIMITS.metricsPerBatch, metrics.length);
  batchLimit('params', LIMITS.paramsPerBatch, params.length);
  batchLimit('tags', LIMITS.tagsPerBatch, tags.length);
  batchLimit('metrics, params, and tags', LIMITS.entitiesPerBatch, metrics.length + params.length + tags.length);
  for (const metric of metrics) validateMetric(metric);
  for (const param of params) validateParam(param);
  for (const tag of tags) validateRunTag(tag);
  const seen = new Set<string>();
  const duplicates = params.filter((p) => seen.has(p.key) || !seen.add(p.key)).map((p) => p.key);
  if (duplicates.length > 0) {
    throw invalidArgument(
      `Duplicate parameter keys have been submitted: ${JSON.stringify(duplicates)}. Please ensure the request contains only one param value per param key.`,
    );
  }
}

export function validateDataset(dataset: TrackedDataset): void {
  const checks: [string, string | null, number][] = [
    ['name', dataset.name, LIMITS.datasetNameLength],
    ['digest', dataset.digest, LIMITS.datasetDigestLength],
    ['source', dataset.source, LIMITS.datasetSourceLength],
    ['schema', dataset.schema, LIMITS.datasetSchemaLength],
    ['profile', dataset.profile, LIMITS.datasetProfileLength],
  ];
  for (const [field, value, limit] of checks) {
    if (value !== null && value.length > limit && codePointLength(value) > limit) {
      throw invalidArgument(`Dataset ${field} exceeds the maximum length of ${limit}`);
    }
  }
}

export function validateInputTag(tag: Tag): void {
  if (codePointLength(tag.key) > LIMITS.inputTagKeyLength)
    throw invalidArgument(`InputTag key exceeds the maximum length of ${LIMITS.inputTagKeyLength}`);
  if (codePointLength(tag.value) > LIMITS.inputTagValueLength)
    throw invalidArgument(`InputTag value exceeds the maximum length of ${LIMITS.inputTagValueLength}`);
}
