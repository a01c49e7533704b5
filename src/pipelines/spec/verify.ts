import { invalidArgument } from '../../core/errors.js';
import { componentDigest } from './digest.js';
import type {
  Binding,
  CommandArg,
  ComponentSpec,
  LoopTaskSpec,
  PipelineDefinition,
  PipelineSpec,
  Predicate,
  TaskSpec,
  ValueType,
} from './types.js';
import {
  formatType,
  isArtifactType,
  isAssignable,
  isParameterType,
  listItemType,
  valueProblem,
} from './value-types.js';
import { bindingLabel, taskReferences } from './walk.js';

/** What a binding may see where it is used: tasks of its list and enclosing lists, enclosing loops, run facts. */
interface Scope {
  spec: PipelineSpec;
  definition: PipelineDefinition;
  tasks: ReadonlyMap<string, TaskSpec>;
  loops: ReadonlyMap<string, LoopTaskSpec>;
  inExitHandler: boolean;
}

/**
 * Checks the meaning of a well-shaped spec: every reference resolves where it is used, types match, each task
 * lists the sibling tasks it needs in `dependsOn`, lists are in topological order, and digests are right.
 * Throws INVALID_ARGUMENT with every problem, each prefixed by where it is.
 */
export function verifySpec(spec: PipelineSpec): void {
  const problems = specProblems(spec);
  if (problems.length > 0) {
    throw invalidArgument(`invalid pipeline spec:\n  ${problems.slice(0, 20).join('\n  ')}`, { problems });
  }
}

export function specProblems(spec: PipelineSpec): string[] {
  const problems: string[] = [];
  for (const [key, component] of Object.entries(spec.components)) checkComponent(key, component, problems);
  checkDefinition(spec, spec, `pipeline '${spec.name}'`, problems);
  for (const [key, definition] of Object.entries(spec.pipelines)) {
    if (definition.name !== key) problems.push(`pipelines.${key}: is named '${definition.name}'`);
    checkDefinition(spec, definition, `pipeline '${key}'`, problems);
  }
  checkNoRecursion(spec, problems);
  return problems;
}

function checkComponent(key: string, component: ComponentSpec, problems: string[]): void {
  const where = `component '${key}'`;
  if (component.name !== key) problems.push(`${where}: is named '${component.name}'`);
  if (component.digest !== componentDigest(component)) {
    problems.push(`${where}: digest does not match its content (was the spec edited by hand?)`);
  }
  for (const [input, { type, default: value }] of Object.entries(component.inputs)) {
    if (value === undefined) continue;
    const problem = valueProblem(type, value);
    if (problem) problems.push(`${where} input '${input}' default: ${problem}`);
  }
  for (const [output, { type }] of Object.entries(component.outputs)) {
    const item = listItemType(type);
    if (item !== null && isArtifactType(item)) {
      problems.push(`${where} output '${output}': a component cannot output a list of artifacts`);
    }
  }
  const impl = component.implementation;
  if (impl.kind !== 'command') return;
  const args: CommandArg[] = [...impl.command, ...Object.values(impl.env)];
  for (const part of args.flatMap((a) => (typeof a === 'object' && 'concat' in a ? a.concat : [a]))) {
    if (typeof part === 'string') continue;
    if ('outputPath' in part) {
      if (!component.outputs[part.outputPath])
        problems.push(`${where}: command uses unknown output '${part.outputPath}'`);
      continue;
    }
    const input = 'inputValue' in part ? part.inputValue : part.inputPath;
    const type = component.inputs[input]?.type;
    if (type === undefined) problems.push(`${where}: command uses unknown input '${input}'`);
    else if ('inputValue' in part && isArtifactType(type)) {
      problems.push(`${where}: command uses artifact input '${input}' as a value; use its path`);
    } else if ('inputPath' in part && !isArtifactType(type) && !isArtifactType(listItemType(type) ?? 'json')) {
      problems.push(`${where}: command uses parameter input '${input}' as a path; use its value`);
    }
  }
}

function checkDefinition(spec: PipelineSpec, def: PipelineDefinition, where: string, problems: string[]): void {
  const seen = new Set<string>();
  for (const task of [...def.tasks, ...def.exitHandler].flatMap(allTasks)) {
    if (seen.has(task.name)) problems.push(`${where}: task name '${task.name}' is used twice`);
    seen.add(task.name);
  }
  for (const [param, { type, default: value }] of Object.entries(def.params)) {
    if (value === undefined) continue;
    const problem = isArtifactType(type)
      ? typeof value === 'string' && value !== ''
        ? null
        : `expects a ${type} reference string`
      : valueProblem(type, value);
    if (problem) problems.push(`${where} param '${param}' default: ${problem}`);
  }
  const empty = { spec, definition: def, tasks: new Map(), loops: new Map() };
  const root = checkTaskList(def.tasks, { ...empty, inExitHandler: false }, where, problems);
  checkTaskList(def.exitHandler, { ...empty, inExitHandler: true }, `${where} exit handler`, problems);
  for (const [output, { type, from }] of Object.entries(def.outputs)) {
    checkBinding(from, type, root, `${where} output '${output}'`, problems);
  }
}

function checkTaskList(list: TaskSpec[], outer: Scope, where: string, problems: string[]): Scope {
  const scope: Scope = { ...outer, tasks: new Map([...outer.tasks, ...list.map((t) => [t.name, t] as const)]) };
  const position = new Map(list.map((t, index) => [t.name, index]));
  list.forEach((task, index) => {
    const at = `${where} task '${task.name}'`;
    for (const dep of task.dependsOn) {
      const depIndex = position.get(dep);
      if (depIndex === undefined) problems.push(`${at}: dependsOn '${dep}', which is not in the same task list`);
      else if (depIndex >= index) problems.push(`${at}: dependsOn '${dep}', listed after it (cycle or bad order)`);
    }
    for (const ref of taskReferences(task)) {
      if (position.has(ref) && ref !== task.name && !task.dependsOn.includes(ref)) {
        problems.push(`${at}: uses '${ref}' but does not list it in dependsOn`);
      }
    }
    checkTask(task, scope, at, problems);
  });
  return scope;
}

function checkTask(task: TaskSpec, scope: Scope, at: string, problems: string[]): void {
  const spec = scope.spec;
  switch (task.kind) {
    case 'component': {
      const component = spec.components[task.component];
      if (!component) return void problems.push(`${at}: unknown component '${task.component}'`);
      checkInputs(task.inputs, component.inputs, scope, at, problems);
      return;
    }
    case 'pipeline': {
      const pipeline = spec.pipelines[task.pipeline];
      if (!pipeline) return void problems.push(`${at}: unknown pipeline '${task.pipeline}'`);
      checkInputs(task.inputs, pipeline.params, scope, at, problems);
      return;
    }
    case 'condition': {
      checkPredicate(task.if, scope, `${at} condition`, problems);
      const whenTrue = checkTaskList(task.whenTrue, scope, `${at} whenTrue`, problems);
      const whenFalse = checkTaskList(task.whenFalse, scope, `${at} whenFalse`, problems);
      for (const [name, output] of Object.entries(task.outputs)) {
        checkBinding(output.whenTrue, output.type, whenTrue, `${at} output '${name}' (whenTrue)`, problems);
        checkBinding(output.whenFalse, output.type, whenFalse, `${at} output '${name}' (whenFalse)`, problems);
      }
      return;
    }
    case 'loop': {
      const itemsType = bindingType(task.items, scope, `${at} items`, problems);
      if (
        itemsType !== null &&
        itemsType !== 'json' &&
        !isAssignable(listItemType(itemsType) ?? 'Artifact', task.itemType)
      ) {
        problems.push(`${at} items: a ${formatType(itemsType)} does not hold ${formatType(task.itemType)} items`);
      }
      if (task.items.from === 'constant') {
        const problem = Array.isArray(task.items.value)
          ? valueProblem({ list: task.itemType }, task.items.value)
          : 'must be a list';
        if (problem) problems.push(`${at} items: ${problem}`);
      }
      const loops = new Map([...scope.loops, [task.name, task] as const]);
      const body = checkTaskList(task.tasks, { ...scope, loops }, `${at} body`, problems);
      for (const [name, output] of Object.entries(task.outputs)) {
        const item = listItemType(output.type);
        if (item === null) problems.push(`${at} output '${name}': a collected output must have a list type`);
        else checkBinding(output.from, item, body, `${at} output '${name}'`, problems);
      }
      return;
    }
  }
}

function checkInputs(
  inputs: Record<string, Binding>,
  declared: Record<string, { type: ValueType }>,
  scope: Scope,
  at: string,
  problems: string[],
): void {
  for (const name of Object.keys(declared)) {
    if (!(name in inputs)) problems.push(`${at}: input '${name}' is not bound`);
  }
  for (const [name, binding] of Object.entries(inputs)) {
    const input = declared[name];
    if (!input) problems.push(`${at}: binds unknown input '${name}'`);
    else checkBinding(binding, input.type, scope, `${at} input '${name}'`, problems);
  }
}

function checkBinding(binding: Binding, expected: ValueType, scope: Scope, at: string, problems: string[]): void {
  if (binding.from === 'constant') {
    const problem = valueProblem(expected, binding.value);
    if (problem) problems.push(`${at}: ${problem}`);
    return;
  }
  const actual = bindingType(binding, scope, at, problems);
  if (actual !== null && !isAssignable(actual, expected)) {
    problems.push(`${at}: expects ${formatType(expected)}, but ${bindingLabel(binding)} is ${formatType(actual)}`);
  }
}

/** The type of a non-constant binding where it is used, or null (with a problem recorded) if it does not resolve. */
function bindingType(binding: Binding, scope: Scope, at: string, problems: string[]): ValueType | null {
  let source: ValueType | undefined;
  switch (binding.from) {
    case 'constant':
      return constantType(binding.value);
    case 'run':
      if (!scope.inExitHandler) problems.push(`${at}: run.${binding.field} is only available in the exit handler`);
      return binding.field === 'status' ? 'string' : { list: 'string' };
    case 'param':
      source = scope.definition.params[binding.name]?.type;
      if (source === undefined) problems.push(`${at}: unknown param '${binding.name}'`);
      break;
    case 'item':
      source = scope.loops.get(binding.loop)?.itemType;
      if (source === undefined) problems.push(`${at}: '${binding.loop}' is not an enclosing loop`);
      break;
    case 'task': {
      const task = scope.tasks.get(binding.task);
      if (!task) {
        problems.push(
          `${at}: task '${binding.task}' is not visible here (it must be in this list or an enclosing one)`,
        );
        return null;
      }
      source = taskOutputType(scope, task, binding.output);
      if (source === undefined) problems.push(`${at}: task '${binding.task}' has no output '${binding.output}'`);
      break;
    }
  }
  if (source === undefined) return null;
  if (binding.path === undefined) return source;
  if (source !== 'json' && source !== 'Metrics') {
    problems.push(`${at}: a path can only look into json values and Metrics, not ${formatType(source)}`);
    return null;
  }
  if (binding.type === undefined) problems.push(`${at}: a binding with a path must state the type it expects`);
  return binding.type ?? null;
}

function taskOutputType(scope: Scope, task: TaskSpec, output: string): ValueType | undefined {
  switch (task.kind) {
    case 'component':
      return scope.spec.components[task.component]?.outputs[output]?.type;
    case 'pipeline':
      return scope.spec.pipelines[task.pipeline]?.outputs[output]?.type;
    default:
      return task.outputs[output]?.type;
  }
}

function checkPredicate(predicate: Predicate, scope: Scope, at: string, problems: string[]): void {
  if (predicate.op === 'and' || predicate.op === 'or' || predicate.op === 'not') {
    const parts =
      predicate.op === 'and' ? predicate.all : predicate.op === 'or' ? predicate.any : [predicate.predicate];
    for (const part of parts) checkPredicate(part, scope, at, problems);
    return;
  }
  const ordering = predicate.op !== 'eq' && predicate.op !== 'ne';
  const sides = [predicate.left, predicate.right].map((side) =>
    side.from === 'constant' ? constantType(side.value) : bindingType(side, scope, at, problems),
  );
  for (const type of sides) {
    if (type === null) continue;
    if (ordering && type !== 'number')
      problems.push(`${at}: '${predicate.op}' compares numbers, not ${formatType(type)}`);
    if (!ordering && !isParameterType(type))
      problems.push(`${at}: '${predicate.op}' cannot compare ${formatType(type)}`);
  }
  const [left, right] = sides;
  if (left && right && left !== 'json' && right !== 'json' && left !== right) {
    problems.push(`${at}: compares ${formatType(left)} with ${formatType(right)}`);
  }
}

function constantType(value: unknown): ValueType {
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string') return 'string';
  return typeof value === 'boolean' ? 'boolean' : 'json';
}

function allTasks(task: TaskSpec): TaskSpec[] {
  const nested =
    task.kind === 'condition'
      ? [...task.whenTrue, ...task.whenFalse]
      : task.kind === 'loop'
        ? task.tasks
        : ([] as TaskSpec[]);
  return [task, ...nested.flatMap(allTasks)];
}

function checkNoRecursion(spec: PipelineSpec, problems: string[]): void {
  const calls = (def: PipelineDefinition) =>
    [...def.tasks, ...def.exitHandler].flatMap(allTasks).flatMap((t) => (t.kind === 'pipeline' ? [t.pipeline] : []));
  const visit = (name: string, stack: string[]): void => {
    if (stack.includes(name))
      return void problems.push(`pipeline '${name}' calls itself: ${[...stack, name].join(' → ')}`);
    const def = spec.pipelines[name];
    if (def) for (const callee of new Set(calls(def))) visit(callee, [...stack, name]);
  };
  for (const callee of new Set(calls(spec))) visit(callee, [spec.name]);
}
