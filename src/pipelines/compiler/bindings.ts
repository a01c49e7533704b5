import { invalidArgument } from '../../core/errors.js';
import type { Frame, NodeImpl, Scope } from '../dsl/graph.js';
import { isRef, type Operand, type PredicateTree, type RefImpl } from '../dsl/refs.js';
import type { Binding, Predicate } from '../spec/types.js';

/** Where a use sits, for messages: `pipeline 'train' task 'register' input 'model'`. */
export function at(frame: Frame, what: string): string {
  return `pipeline '${frame.pipeline.name}' ${what}`;
}

/**
 * The spec binding for an operand used in `scope`. References must be visible there: parameters anywhere in
 * their pipeline; task outputs in the task's scope and scopes nested in it; loop items inside the loop body;
 * run facts in the exit handler. Otherwise the error names the use and says what to do instead.
 */
export function toBinding(operand: Operand, scope: Scope, where: string): Binding {
  if (!isRef(operand)) return { from: 'constant', value: operand };
  const ref = operand;
  const origin = ref.origin;
  const fail = (why: string) => invalidArgument(`${at(scope.frame, where)}: ${why}`, { use: where });
  const typedPath = ref.path.length > 0 ? { path: [...ref.path], type: ref.type } : {};
  switch (origin.kind) {
    case 'param':
      if (origin.frame !== scope.frame) throw fail(`${ref} belongs to pipeline '${origin.frame.pipeline.name}'`);
      return { from: 'param', name: origin.name, ...typedPath };
    case 'run':
      if (rootOf(scope).role !== 'exit') throw fail(`${ref} is only known in the exit handler (onExit)`);
      return { from: 'run', field: origin.field };
    case 'item':
      if (!origin.loop.body.encloses(scope)) throw fail(`${ref} is only available inside the body of that loop`);
      return { from: 'item', loop: origin.loop.name, ...typedPath };
    case 'output': {
      const why = invisibility(origin.node, scope, ref);
      if (why) throw fail(why);
      return { from: 'task', task: origin.node.name, output: origin.output, ...typedPath };
    }
  }
}

/** Why the output of `node` cannot be used in `scope`, or null when it can. */
function invisibility(node: NodeImpl, scope: Scope, ref: RefImpl): string | null {
  if (node.scope.frame !== scope.frame) return `${ref} belongs to pipeline '${node.scope.frame.pipeline.name}'`;
  // Climb from the producer to the first scope that also encloses the use; the last group left is the obstacle.
  let obstacle: Scope | null = null;
  let s: Scope | null = node.scope;
  for (; s && !s.encloses(scope); s = s.parent) if (s.owner) obstacle = s;
  if (!s) {
    return rootOf(scope).role === 'exit'
      ? `the exit handler can only use parameters, constants and run.status/run.failedTasks, not ${ref}`
      : `${ref} is produced by the exit handler, which runs after everything else`;
  }
  if (!obstacle?.owner) return null;
  const owner = obstacle.owner.name;
  if (obstacle.role === 'body') {
    return `${ref} is produced once per iteration of loop '${owner}': use collect(...) to gather it after the loop`;
  }
  return (
    `${ref} only exists when '${owner}' takes its ${obstacle.role === 'then' ? 'when' : 'otherwise'}-branch: ` +
    `return it from both branches (when(...).otherwise(...)) and use '${owner}'.outputs`
  );
}

function rootOf(scope: Scope): Scope {
  let s = scope;
  while (s.parent) s = s.parent;
  return s;
}

/** A condition as a spec predicate, its operands resolved where the condition is evaluated. */
export function toPredicate(tree: PredicateTree, scope: Scope, where: string): Predicate {
  switch (tree.op) {
    case 'and':
      return { op: 'and', all: tree.all.map((t) => toPredicate(t, scope, where)) };
    case 'or':
      return { op: 'or', any: tree.any.map((t) => toPredicate(t, scope, where)) };
    case 'not':
      return { op: 'not', predicate: toPredicate(tree.predicate, scope, where) };
    default:
      return { op: tree.op, left: toBinding(tree.left, scope, where), right: toBinding(tree.right, scope, where) };
  }
}
