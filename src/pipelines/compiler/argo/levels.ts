import { invalidArgument } from '../../../core/errors.js';
import { canonicalJson } from '../../../core/hashing.js';
import type {
  Binding,
  ConditionTaskSpec,
  JsonPath,
  PipelineDefinition,
  PipelineSpec,
  Predicate,
  TaskSpec,
  ValueType,
} from '../../spec/types.js';
import { formatType, holdsArtifacts, isArtifactType } from '../../spec/value-types.js';
import { bindingLabel, walkTasks } from '../../spec/walk.js';
import type { ArgoArguments, ArgoArtifact, ArgoParameter } from './manifest.js';
import { ArgoNames, toArgoIdentifier } from './names.js';

/** A value as Argo sees it: a parameter (a string) or an artifact, with an expression form for `{{=…}}`. */
export type ArgoValue =
  | { kind: 'parameter'; expr: string; text: string }
  | { kind: 'artifact'; expr: string; from?: string };

/** Types of everything a pipeline definition can name, read from the spec. */
export class FrameTypes {
  readonly tasks = new Map<string, TaskSpec>();
  constructor(
    readonly spec: PipelineSpec,
    readonly definition: PipelineDefinition,
  ) {
    for (const [task] of walkTasks([...definition.tasks, ...definition.exitHandler])) this.tasks.set(task.name, task);
  }

  typeOf(binding: Binding): ValueType {
    if ('path' in binding && binding.path) return binding.type ?? 'json';
    switch (binding.from) {
      case 'constant':
        return typeof binding.value === 'number' ? 'number' : typeof binding.value === 'string' ? 'string' : 'json';
      case 'param':
        return this.definition.params[binding.name]!.type;
      case 'item': {
        const loop = this.tasks.get(binding.loop);
        return loop?.kind === 'loop' ? loop.itemType : 'json';
      }
      case 'run':
        return binding.field === 'status' ? 'string' : { list: 'string' };
      case 'task': {
        const task = this.tasks.get(binding.task)!;
        if (task.kind === 'component') return this.spec.components[task.component]!.outputs[binding.output]!.type;
        if (task.kind === 'pipeline') return this.spec.pipelines[task.pipeline]!.outputs[binding.output]!.type;
        return task.outputs[binding.output]!.type;
      }
    }
  }
}

/** A condition of a DAG and the Argo tasks running its branches (absent for an empty branch). */
export interface ConditionBranches {
  spec: ConditionTaskSpec;
  whenTrue?: string;
  whenFalse?: string;
}

/** One DAG template being built: the tasks it can name, and the inputs it asks its caller for. */
export class Level {
  /** Spec task name → Argo task name, for the tasks of this DAG. */
  readonly locals = new Map<string, string>();
  /** Conditions of this DAG: their Argo branch tasks. */
  readonly conditions = new Map<string, ConditionBranches>();
  /** Values from outside this DAG, by binding: the caller passes them as arguments. */
  readonly inputs = new Map<string, { name: string; binding: Binding; kind: 'parameter' | 'artifact' }>();
  readonly taskNames = new ArgoNames();
  private readonly inputNames = new Set<string>();

  constructor(
    readonly types: FrameTypes,
    /** A pipeline definition's own DAG: its params are its declared inputs. */
    readonly isFrameRoot: boolean,
    readonly where: string,
  ) {}

  /**
   * The value of `binding` inside this DAG. With `twin`, a Metrics artifact is read through its JSON parameter.
   * A value from outside, path included, becomes an input: the caller extracts it and passes a plain value.
   */
  resolve(binding: Binding, twin = false): ArgoValue {
    const path = 'path' in binding ? binding.path : undefined;
    const local = this.resolveLocal(withoutPath(binding), twin || path !== undefined);
    if (!local) return this.freeInput(binding, twin);
    return path ? jsonPathValue(local, path) : local;
  }

  private resolveLocal(binding: Binding, twin: boolean): ArgoValue | null {
    switch (binding.from) {
      case 'constant':
        return literal(parameterText(binding.value));
      case 'param':
        return this.isFrameRoot ? reference('inputs', binding.name, this.types.typeOf(binding), twin) : null;
      case 'task': {
        const argoTask = this.locals.get(binding.task);
        if (argoTask !== undefined)
          return reference(`tasks.${argoTask}`, binding.output, this.types.typeOf(binding), twin);
        const condition = this.conditions.get(binding.task);
        return condition ? this.choice(condition, binding.output, twin) : null;
      }
      default:
        return null;
    }
  }

  /** A value from outside: declared as an input of this DAG, supplied by whoever calls it. */
  private freeInput(binding: Binding, twin: boolean): ArgoValue {
    const type = this.types.typeOf(binding);
    if (holdsArtifacts(type) && !isArtifactType(type)) throw unsupported(this.where, `a ${formatType(type)} value`);
    const kind = isArtifactType(type) && !twin ? 'artifact' : 'parameter';
    const key = canonicalJson({ binding, kind });
    let input = this.inputs.get(key);
    if (!input) {
      const base = toArgoIdentifier(freeInputName(binding));
      let name = base;
      for (let n = 2; this.inputNames.has(name); n++) name = `${base}-${n}`;
      this.inputNames.add(name);
      input = { name, binding, kind };
      this.inputs.set(key, input);
    }
    return kind === 'artifact'
      ? { kind, expr: `inputs.artifacts['${input.name}']`, from: `{{inputs.artifacts.${input.name}}}` }
      : { kind, expr: `inputs.parameters['${input.name}']`, text: `{{inputs.parameters.${input.name}}}` };
  }

  /** A condition's output: the then- or else-value, chosen by evaluating the same predicate again. */
  private choice(condition: ConditionBranches, output: string, twin: boolean) {
    const out = condition.spec.outputs[output]!;
    const side = (binding: Binding, branch: TaskSpec[], task: string | undefined): ArgoValue => {
      const inside = binding.from === 'task' && [...walkTasks(branch)].some(([t]) => t.name === binding.task);
      return inside ? reference(`tasks.${task}`, output, out.type, twin) : this.resolve(binding, twin);
    };
    const yes = side(out.whenTrue, condition.spec.whenTrue, condition.whenTrue);
    const no = side(out.whenFalse, condition.spec.whenFalse, condition.whenFalse);
    const expr = `(${this.predicate(condition.spec.if)}) ? ${yes.expr} : ${no.expr}`;
    return yes.kind === 'artifact' ? { kind: yes.kind, expr } : { kind: yes.kind, expr, text: `{{=${expr}}}` };
  }

  /** A predicate as an Argo (expr-lang) boolean expression over values of this DAG. */
  predicate(predicate: Predicate): string {
    switch (predicate.op) {
      case 'and':
        return predicate.all.map((p) => `(${this.predicate(p)})`).join(' && ');
      case 'or':
        return predicate.any.map((p) => `(${this.predicate(p)})`).join(' || ');
      case 'not':
        return `!(${this.predicate(predicate.predicate)})`;
    }
    const numeric = [predicate.left, predicate.right].some((b) => this.types.typeOf(b) === 'number');
    const operand = (b: Binding) => (numeric ? `float(${this.resolve(b).expr})` : `string(${this.resolve(b).expr})`);
    const op = { eq: '==', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' }[predicate.op];
    return `${operand(predicate.left)} ${op} ${operand(predicate.right)}`;
  }
}

/** A parameter argument or an artifact argument named `name` carrying `value`. */
export function argument(name: string, value: ArgoValue): { parameter?: ArgoParameter; artifact?: ArgoArtifact } {
  if (value.kind === 'parameter') return { parameter: { name, value: value.text } };
  return { artifact: value.from ? { name, from: value.from } : { name, fromExpression: value.expr } };
}

/** Parameter and artifact arguments, in their two lists (absent when empty). */
export function splitArguments(entries: ReturnType<typeof argument>[]): ArgoArguments {
  const parameters = entries.flatMap((e) => (e.parameter ? [e.parameter] : []));
  const artifacts = entries.flatMap((e) => (e.artifact ? [e.artifact] : []));
  return { ...(parameters.length > 0 ? { parameters } : {}), ...(artifacts.length > 0 ? { artifacts } : {}) };
}

/** How a value is written as an Argo parameter: strings as they are, anything else as JSON. */
export function parameterText(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function unsupported(where: string, what: string) {
  return invalidArgument(
    `${where}: the Argo target cannot pass ${what} (Argo Workflows cannot fan artifacts in or out); ` +
      'collect parameters instead, or run this pipeline with the process or container runner',
  );
}

function reference(scope: string, name: string, type: ValueType, twin: boolean): ArgoValue {
  const [prefix, task] = scope.startsWith('tasks.') ? ['tasks', scope.slice(6)] : ['inputs', ''];
  const base = prefix === 'tasks' ? `tasks['${task}'].outputs` : 'inputs';
  const dotted = prefix === 'tasks' ? `tasks.${task}.outputs` : 'inputs';
  if (isArtifactType(type) && !(twin && type === 'Metrics')) {
    return { kind: 'artifact', expr: `${base}.artifacts['${name}']`, from: `{{${dotted}.artifacts.${name}}}` };
  }
  return { kind: 'parameter', expr: `${base}.parameters['${name}']`, text: `{{${dotted}.parameters.${name}}}` };
}

export function withoutPath(binding: Binding): Binding {
  if (!('path' in binding)) return binding;
  const { path: _path, type: _type, ...rest } = binding;
  return rest as Binding;
}

function literal(text: string): ArgoValue {
  return { kind: 'parameter', expr: JSON.stringify(text), text };
}

export function jsonPathValue(source: ArgoValue, path: JsonPath): ArgoValue {
  if (source.kind !== 'parameter') throw invalidArgument(`the Argo target cannot read inside ${source.expr}`);
  const selector = `$${path.map((k) => (typeof k === 'number' ? `[${k}]` : `['${k.replaceAll("'", "\\'")}']`)).join('')}`;
  const expr = `jsonpath(${source.expr}, ${JSON.stringify(selector)})`;
  return { kind: 'parameter', expr, text: `{{=${expr}}}` };
}

function freeInputName(binding: Binding): string {
  const path = 'path' in binding && binding.path ? `-${binding.path.join('-')}` : '';
  switch (binding.from) {
    case 'param':
      return `param-${binding.name}${path}`;
    case 'task':
      return `${binding.task}-${binding.output}${path}`;
    case 'item':
      return `item${path}`;
    case 'run':
      return `run-${binding.field}`;
    default:
      return bindingLabel(binding);
  }
}
