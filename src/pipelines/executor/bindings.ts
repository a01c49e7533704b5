import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { OspreyError } from '../../core/errors.js';
import type { Binding, JsonValue, Predicate } from '../spec/types.js';
import { valueProblem } from '../spec/value-types.js';
import { bindingLabel } from '../spec/walk.js';
import { readArtifactJson } from './artifact-files.js';
import type { Scope } from './run-context.js';
import { asArtifact, lookupPath, sameJson } from './values.js';

const bindingError = (binding: Binding, problem: string) =>
  new OspreyError('INVALID_ARGUMENT', `binding ${bindingLabel(binding)}: ${problem}`);

/** The value a binding names in `scope` (with `path`: looked up inside it, or inside a Metrics artifact's JSON). */
export async function resolveBinding(binding: Binding, scope: Scope, artifacts: ArtifactStore): Promise<JsonValue> {
  let value: JsonValue | undefined;
  switch (binding.from) {
    case 'constant':
      return binding.value;
    case 'run':
      if (!scope.run) throw bindingError(binding, 'run facts exist only in an exit handler');
      return binding.field === 'status' ? scope.run.status : scope.run.failedTasks;
    case 'param':
      value = scope.params[binding.name];
      break;
    case 'item':
      value = scope.itemOf(binding.loop);
      break;
    case 'task':
      value = scope.outputsOf(binding.task)?.[binding.output];
      break;
  }
  if (value === undefined) throw bindingError(binding, 'no value (its task did not produce one)');
  if (!binding.path) return value;
  const ref = asArtifact(value);
  const source = ref ? await readArtifactJson(artifacts, ref) : value;
  const found = lookupPath(source, binding.path);
  if (found === undefined) throw bindingError(binding, `no key ${JSON.stringify(binding.path)}`);
  const problem = binding.type === undefined ? null : valueProblem(binding.type, found);
  if (problem !== null) throw bindingError(binding, problem);
  return found;
}

/** Evaluates a condition: ordering compares numbers, eq/ne compare JSON values. */
export async function evaluatePredicate(
  predicate: Predicate,
  scope: Scope,
  artifacts: ArtifactStore,
): Promise<boolean> {
  switch (predicate.op) {
    case 'and':
      for (const p of predicate.all) if (!(await evaluatePredicate(p, scope, artifacts))) return false;
      return true;
    case 'or':
      for (const p of predicate.any) if (await evaluatePredicate(p, scope, artifacts)) return true;
      return false;
    case 'not':
      return !(await evaluatePredicate(predicate.predicate, scope, artifacts));
  }
  const left = await resolveBinding(predicate.left, scope, artifacts);
  const right = await resolveBinding(predicate.right, scope, artifacts);
  if (predicate.op === 'eq') return sameJson(left, right);
  if (predicate.op === 'ne') return !sameJson(left, right);
  if (typeof left !== 'number' || typeof right !== 'number')
    throw new OspreyError('INVALID_ARGUMENT', `'${predicate.op}' compares numbers, got ${left} and ${right}`);
  if (predicate.op === 'gt') return left > right;
  if (predicate.op === 'gte') return left >= right;
  if (predicate.op === 'lt') return left < right;
  return left <= right;
}
