import { invalidArgument } from '../../core/errors.js';
import type { JsonValue, ParamSpec, PipelineDefinition, ValueType } from './types.js';
import { describeValue, formatType, holdsArtifacts, isArtifactType, valueProblem } from './value-types.js';

/**
 * The parameter values of a run: `given` checked against the pipeline's params, defaults filled in.
 * Artifact parameters take a non-empty reference string (dataset `name@version`, a path or a URI) that the
 * executor resolves. Throws INVALID_ARGUMENT naming every unknown, missing or ill-typed parameter at once.
 */
export function resolveParams(
  definition: PipelineDefinition,
  given: Readonly<Record<string, unknown>>,
): Record<string, JsonValue> {
  const problems: string[] = [];
  const values: Record<string, JsonValue> = {};
  for (const name of Object.keys(given)) {
    if (!(name in definition.params)) problems.push(`${name}: no such parameter`);
  }
  for (const [name, param] of Object.entries(definition.params)) {
    const value = name in given ? given[name] : param.default;
    if (value === undefined) {
      problems.push(`${name}: required (${formatType(param.type)})`);
      continue;
    }
    const problem = paramValueProblem(param, value);
    if (problem) problems.push(`${name}: ${problem}`);
    else values[name] = value as JsonValue;
  }
  if (problems.length > 0) {
    const known = Object.entries(definition.params)
      .map(([n, p]) => `${n}: ${formatType(p.type)}${p.default === undefined ? '' : ` = ${JSON.stringify(p.default)}`}`)
      .join(', ');
    throw invalidArgument(
      `invalid parameters for pipeline '${definition.name}': ${problems.join('; ')} (parameters: ${known || 'none'})`,
      { problems },
    );
  }
  return values;
}

function paramValueProblem(param: ParamSpec, value: unknown): string | null {
  if (isArtifactType(param.type)) {
    return typeof value === 'string' && value.trim() !== ''
      ? null
      : `expects a ${param.type} reference (name@version, path or URI), got ${describeValue(value)}`;
  }
  if (holdsArtifacts(param.type)) return `${formatType(param.type)} parameters are not supported`;
  return valueProblem(param.type, value);
}

/**
 * Parses the text of `--param name=value` by the parameter's type: numbers and booleans as JSON literals,
 * strings and artifact references verbatim, json and lists as JSON.
 */
export function parseParamText(type: ValueType, text: string): JsonValue {
  if (type === 'string' || isArtifactType(type)) return text;
  if (type === 'number') {
    const value = text.trim() === '' ? Number.NaN : Number(text);
    if (!Number.isFinite(value)) throw invalidArgument(`expects a number, got ${JSON.stringify(text)}`);
    return value;
  }
  if (type === 'boolean') {
    if (text === 'true' || text === 'false') return text === 'true';
    throw invalidArgument(`expects true or false, got ${JSON.stringify(text)}`);
  }
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw invalidArgument(`expects ${formatType(type)} as JSON, got ${JSON.stringify(text)}`);
  }
}

/** `["threshold=0.9", "data=weather@3"]` → checked values with defaults; the CLI's `--param` handling. */
export function resolveParamAssignments(
  definition: PipelineDefinition,
  assignments: readonly string[],
): Record<string, JsonValue> {
  const given: Record<string, JsonValue> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq <= 0) throw invalidArgument(`--param expects name=value, got ${JSON.stringify(assignment)}`);
    const name = assignment.slice(0, eq);
    const param = definition.params[name];
    if (!param) {
      const names = Object.keys(definition.params).join(', ') || 'none';
      throw invalidArgument(`pipeline '${definition.name}' has no parameter '${name}' (parameters: ${names})`);
    }
    try {
      given[name] = parseParamText(param.type, assignment.slice(eq + 1));
    } catch (error) {
      throw invalidArgument(`--param ${name}: ${(error as Error).message}`);
    }
  }
  return resolveParams(definition, given);
}
