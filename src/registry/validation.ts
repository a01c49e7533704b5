import { invalidArgument } from '../core/errors.js';
import { STAGES, type Stage, type TagRecord } from '../store/registry.js';

/**
 * Input rules of the model registry, as MLflow states them (mlflow/utils/validation.py) where it has one, plus the
 * limits of MLflow's registry tables. Every failure is INVALID_ARGUMENT naming the field and what is allowed.
 */
export const LIMITS = {
  modelName: 256,
  tagKey: 250,
  tagValue: 5000,
  description: 5000,
  alias: 255,
  runLink: 2048,
  source: 4096,
} as const;

const CONTROL = /[\p{Cc}\p{Cs}]/u;

/** Model names: 1–256 characters, no control characters and no `/` (it separates NAME/VERSION in references). */
export function validateModelName(name: string, field = 'name'): string {
  if (name === '') throw invalidArgument(`Missing value for required parameter '${field}'.`, { field });
  if (name.length > LIMITS.modelName)
    throw invalidArgument(
      `Registered model name '${name.slice(0, 64)}…' is longer than ${LIMITS.modelName} characters`,
      {
        field,
      },
    );
  if (CONTROL.test(name) || name.includes('/'))
    throw invalidArgument(
      `Invalid registered model name ${JSON.stringify(name)}: names may not contain '/' or control characters`,
      { field },
    );
  return name;
}

/** MLflow's tag-key rule: letters, digits, `_`, `.`, `-`, space and `/`, and a key that is its own normal path. */
const TAG_KEY = /^[/\p{L}\p{N}\p{M}_.\- ]+$/u;

export function validateTag(tag: TagRecord, owner: 'Registered model' | 'Model version'): TagRecord {
  const { key, value } = tag;
  if (!TAG_KEY.test(key))
    throw invalidArgument(
      `Invalid tag name: '${key}'. Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).`,
      { key },
    );
  const segments = key.split('/');
  if (key.startsWith('/') || segments.some((s, i) => s === '.' || s === '..' || (s === '' && i > 0)))
    throw invalidArgument(
      `Invalid tag name: '${key}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such.`,
      { key },
    );
  checkLength(`${owner} key`, key, LIMITS.tagKey);
  checkLength(`${owner} value`, value, LIMITS.tagValue);
  return tag;
}

export function checkLength(what: string, value: string | null | undefined, limit: number): void {
  if (value != null && value.length > limit)
    throw invalidArgument(
      `${what} '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of ${limit}`,
    );
}

/** MLflow's alias rule: letters, digits, `_`, `-`; not `latest` and not a version alias like `v3`. */
export function validateAlias(alias: string): string {
  if (alias === '') throw invalidArgument('Registered model alias name cannot be empty.', { field: 'alias' });
  if (!/^[\p{L}\p{N}\p{M}_-]+$/u.test(alias))
    throw invalidArgument(
      `Invalid alias name: '${alias}'. Names may only contain alphanumerics, underscores (_), and dashes (-).`,
      { field: 'alias' },
    );
  checkLength('Registered model alias name', alias, LIMITS.alias);
  if (alias.toLowerCase() === 'latest')
    throw invalidArgument("'latest' alias name (case insensitive) is reserved.", { field: 'alias' });
  if (/^[vV]\d+$/.test(alias)) throw invalidArgument(`Version alias name '${alias}' is reserved.`, { field: 'alias' });
  return alias;
}

/** A version number as clients send it: a decimal string (as the proto has it) or a JSON number. */
export function parseVersion(value: unknown, field = 'version'): number {
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text === 'string' && /^\s*[+-]?\d{1,15}\s*$/.test(text)) return Number(text);
  throw invalidArgument(`Parameter '${field}' must be an integer, got ${JSON.stringify(value)}`, { field });
}

/** A stage by any capitalisation (`production` → `Production`), as MLflow's get_canonical_stage. */
export function canonicalStage(stage: string): Stage {
  const found = STAGES.find((s) => s.toLowerCase() === stage.trim().toLowerCase());
  if (!found)
    throw invalidArgument(`Invalid Model Version stage: ${stage}. Value must be one of ${STAGES.join(', ')}.`, {
      field: 'stage',
    });
  return found;
}

/** MLflow's run id shape: an alphanumeric, then up to 255 more of alphanumerics, `_`, `-`. */
export function validateRunId(runId: string): string {
  if (!/^[a-zA-Z0-9][\w-]{0,255}$/.test(runId))
    throw invalidArgument(`Invalid run ID: '${runId}'`, { field: 'run_id' });
  return runId;
}
