import type { Binding, Predicate, TaskSpec } from './types.js';

/** The nested task lists a task owns: condition branches, a loop's body. */
export function childTaskLists(task: TaskSpec): TaskSpec[][] {
  if (task.kind === 'condition') return [task.whenTrue, task.whenFalse];
  if (task.kind === 'loop') return [task.tasks];
  return [];
}

/** The bindings a task evaluates itself (not those of its nested tasks): inputs, condition operands, items, outputs. */
export function ownBindings(task: TaskSpec): Binding[] {
  switch (task.kind) {
    case 'component':
    case 'pipeline':
      return Object.values(task.inputs);
    case 'condition':
      return [...predicateBindings(task.if), ...Object.values(task.outputs).flatMap((o) => [o.whenTrue, o.whenFalse])];
    case 'loop':
      return [task.items, ...Object.values(task.outputs).map((o) => o.from)];
  }
}

export function predicateBindings(predicate: Predicate): Binding[] {
  switch (predicate.op) {
    case 'and':
      return predicate.all.flatMap(predicateBindings);
    case 'or':
      return predicate.any.flatMap(predicateBindings);
    case 'not':
      return predicateBindings(predicate.predicate);
    default:
      return [predicate.left, predicate.right];
  }
}

/** Every task name referenced by a binding of this task or of any task nested in it. */
export function taskReferences(task: TaskSpec): Set<string> {
  const names = new Set<string>();
  const visit = (t: TaskSpec): void => {
    for (const b of ownBindings(t)) if (b.from === 'task') names.add(b.task);
    for (const list of childTaskLists(t)) list.forEach(visit);
  };
  visit(task);
  return names;
}

/** Every task of a list, depth first (nested tasks after their owner), with its enclosing task names. */
export function* walkTasks(
  list: readonly TaskSpec[],
  parents: readonly string[] = [],
): Generator<[TaskSpec, string[]]> {
  for (const task of list) {
    yield [task, [...parents]];
    for (const child of childTaskLists(task)) yield* walkTasks(child, [...parents, task.name]);
  }
}

/** How a binding reads in a message: `task 'train' output 'metrics'.accuracy`, `param 'threshold'`… */
export function bindingLabel(binding: Binding): string {
  const path = 'path' in binding && binding.path ? binding.path.map((k) => `[${JSON.stringify(k)}]`).join('') : '';
  switch (binding.from) {
    case 'constant':
      return `constant ${JSON.stringify(binding.value)}`;
    case 'param':
      return `param '${binding.name}'${path}`;
    case 'task':
      return `task '${binding.task}' output '${binding.output}'${path}`;
    case 'item':
      return `the item of loop '${binding.loop}'${path}`;
    case 'run':
      return `run.${binding.field}`;
  }
}
