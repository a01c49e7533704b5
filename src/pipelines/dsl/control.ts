import type { JsonValue, ValueType } from '../spec/types.js';
import { commonJsonType, formatType, isJsonValue, listItemType } from '../spec/value-types.js';
import { activeScope, dslError, recordInto } from './builder.js';
import { checkSameFrame } from './component.js';
import { ConditionNode, LoopNode, resultRefs, Scope } from './graph.js';
import {
  type BooleanRef,
  type Condition,
  ConditionImpl,
  ITERATED,
  type ItemRef,
  type IteratedValue,
  isIterated,
  type JsonRef,
  type Ref,
  type RefBase,
  RefImpl,
  type StringRef,
} from './refs.js';
import type { TypeSpec } from './types.js';
import type { BodyResult, Iterated, Node, ResultRefs } from './wiring.js';

export interface When<Refs> extends Node {
  /** The branch that runs when the condition is false; returning the same outputs makes them usable after. */
  otherwise(body: () => BranchResult<Refs>): Branches<Refs>;
}
/** What an otherwise-branch returns: anything when the then-branch returns nothing, else the same outputs. */
type BranchResult<Refs> = [keyof Refs] extends [never] ? BodyResult : Refs | { readonly outputs: Refs };
export interface Branches<Refs> extends Node {
  /** The values of whichever branch ran. */
  readonly outputs: Refs;
}

/**
 * Runs the tasks `then` records only when `condition` holds (evaluated by the executor, e.g.
 * `t.outputs.metrics.get('accuracy').gt(threshold)`, or a boolean reference).
 */
export function when<R extends BodyResult = void>(
  condition: Condition | BooleanRef,
  then: () => R,
  options: { name?: string } = {},
): When<ResultRefs<R>> {
  const scope = activeScope('when(...)');
  const checked = toCondition(condition, scope);
  const node = new ConditionNode(scope, scope.frame.claimName(options.name, 'condition', true), checked);
  const what = `the then-branch of '${node.name}'`;
  node.thenResult = resultRefs(recordInto(node.thenScope, what, then), what);
  return node as unknown as When<ResultRefs<R>>;
}

function toCondition(condition: unknown, scope: Scope): ConditionImpl {
  const result =
    condition instanceof RefImpl && condition.type === 'boolean' ? condition.eq(true) : (condition as ConditionImpl);
  if (!(result instanceof ConditionImpl)) {
    throw dslError('when(...) expects a condition such as t.outputs.rows.gt(100), or a boolean reference');
  }
  const visit = (tree: ConditionImpl['tree']): void => {
    if ('left' in tree) {
      checkSameFrame(scope, tree.left, 'when(...)');
      if (tree.right instanceof RefImpl) checkSameFrame(scope, tree.right, 'when(...)');
    } else if (tree.op === 'not') visit(tree.predicate);
    else (tree.op === 'and' ? tree.all : tree.any).forEach(visit);
  };
  visit(result.tree);
  return result;
}

export interface LoopOptions {
  /** Iterations running at once (default: no limit of the loop's own). */
  parallelism?: number;
  name?: string;
}
export interface Loop<Refs> extends Node {
  /** One value per iteration of each returned reference: pass them to `collect(...)`. */
  readonly outputs: { readonly [K in keyof Refs]: Iterated<Refs[K]> };
}

/**
 * Records `body` once as the graph of one iteration, run for each of `items` (a constant list, or a list-typed
 * parameter or task output known at run time).
 */
export function forEach<V extends JsonValue, R extends BodyResult = void>(
  items: readonly V[],
  body: (item: ItemRef<V>) => R,
  options?: LoopOptions,
): Loop<ResultRefs<R>>;
export function forEach<T extends TypeSpec, R extends BodyResult = void>(
  items: RefBase<readonly [T]>,
  body: (item: Ref<T>) => R,
  options?: LoopOptions,
): Loop<ResultRefs<R>>;
export function forEach<R extends BodyResult = void>(
  items: JsonRef,
  body: (item: JsonRef) => R,
  options?: LoopOptions,
): Loop<ResultRefs<R>>;
export function forEach(items: unknown, body: (item: never) => unknown, options: LoopOptions = {}): unknown {
  const scope = activeScope('forEach(...)');
  const { parallelism } = options;
  if (parallelism !== undefined && (!Number.isInteger(parallelism) || parallelism < 1)) {
    throw dslError(`forEach(...): parallelism must be a whole number ≥ 1, got ${parallelism}`);
  }
  let itemType: ValueType;
  let constants: JsonValue[] | null = null;
  if (items instanceof RefImpl) {
    checkSameFrame(scope, items, 'forEach(...) items');
    const item = items.type === 'json' ? 'json' : listItemType(items.type);
    if (item === null)
      throw dslError(`forEach(...) needs a list to iterate over, but ${items} is ${formatType(items.type)}`);
    itemType = item;
  } else if (Array.isArray(items) && items.every(isJsonValue)) {
    constants = structuredClone(items);
    itemType = commonJsonType(constants);
  } else {
    const hint = isIterated(items) ? ' (collect(...) it first)' : '';
    throw dslError(`forEach(...) needs a constant list of JSON values or a list reference${hint}`);
  }
  const name = scope.frame.claimName(options.name, 'loop', true);
  const loop = new LoopNode(scope, name, constants ?? (items as RefImpl), itemType, parallelism ?? null, constants);
  const item = new RefImpl({ kind: 'item', loop }, itemType, [], constants);
  const what = `the body of loop '${name}'`;
  const refs = resultRefs(
    recordInto(loop.body, what, () => body(item as never)),
    what,
  );
  const outputs = Object.fromEntries(
    Object.entries(refs).map(([key, ref]) => {
      loop.results.set(key, ref);
      return [key, iterated(loop, key)];
    }),
  );
  loop.outputs = outputs;
  return loop;
}

function iterated(loop: LoopNode, output: string): IteratedValue {
  return { [ITERATED]: { loop, output }, toString: () => `'${loop.name}.${output}'` } as IteratedValue;
}

/**
 * Fan-in: the values a loop produced, one per iteration in item order, as a list — from `forEach(...).outputs.x`
 * or from a task output recorded directly in a loop body.
 */
export function collect<T extends TypeSpec>(value: Iterated<RefBase<T>> | RefBase<T>): Ref<readonly [T]> {
  const scope = activeScope('collect(...)');
  let loop: LoopNode;
  let output: string;
  if (isIterated(value)) {
    ({ loop, output } = value[ITERATED]);
  } else if (value instanceof RefImpl) {
    const origin = value.origin;
    const owner = origin.kind === 'output' ? origin.node.scope.owner : null;
    if (origin.kind !== 'output' || !(owner instanceof LoopNode) || origin.node.scope !== owner.body) {
      throw dslError(`collect(${value}): only a task output recorded directly in a loop body can be collected`);
    }
    loop = owner;
    output = loopOutputName(loop, value);
  } else {
    throw dslError('collect(...) expects a loop output (forEach(...).outputs.x) or a task output inside a loop');
  }
  if (loop.body.encloses(scope)) {
    throw dslError(`collect(...) of loop '${loop.name}' is used inside that loop: use the value directly there`);
  }
  if (!loop.scope.encloses(scope) || loop.scope.frame !== scope.frame) {
    throw dslError(`collect(...) of loop '${loop.name}' is used where that loop is not visible`);
  }
  const inner = loop.results.get(output)!;
  return new RefImpl({ kind: 'output', node: loop, output }, { list: inner.type }) as unknown as Ref<readonly [T]>;
}

/** The loop output name under which a body reference is collected (the same reference reuses its name). */
function loopOutputName(loop: LoopNode, ref: RefImpl): string {
  for (const [name, existing] of loop.results) {
    if (existing.origin === ref.origin || sameSource(existing, ref)) return name;
  }
  const origin = ref.origin as Extract<RefImpl['origin'], { kind: 'output' }>;
  const base = [origin.node.name, origin.output, ...ref.path.map(String)].join('-').replace(/[^A-Za-z0-9_-]/g, '_');
  let name = base;
  for (let n = 2; loop.results.has(name); n++) name = `${base}-${n}`;
  loop.results.set(name, ref);
  return name;
}

function sameSource(a: RefImpl, b: RefImpl): boolean {
  const [x, y] = [a.origin, b.origin];
  return (
    x.kind === 'output' &&
    y.kind === 'output' &&
    x.node === y.node &&
    x.output === y.output &&
    JSON.stringify(a.path) === JSON.stringify(b.path)
  );
}

export interface RunRefs {
  /** How the main graph ended: 'succeeded', 'failed' or 'cancelled'. */
  readonly status: StringRef;
  /** Names of the tasks that failed. */
  readonly failedTasks: RefBase<readonly ['string']>;
}

/**
 * The exit handler: tasks that run after the pipeline's tasks have ended, whatever the outcome (success, failure
 * or cancellation) — for notifications and clean-up. It may use parameters, constants and `run`.
 */
export function onExit(body: (run: RunRefs) => void): void {
  const scope = activeScope('onExit(...)');
  const frame = scope.frame;
  if (scope !== frame.root) throw dslError('onExit(...) must be called at the top level of the pipeline body');
  if (frame.exit)
    throw dslError('onExit(...) is given twice; one exit handler per pipeline (it may hold several tasks)');
  frame.exit = new Scope(frame, null, null, 'exit');
  const run = {
    status: new RefImpl({ kind: 'run', frame, field: 'status' }, 'string'),
    failedTasks: new RefImpl({ kind: 'run', frame, field: 'failedTasks' }, { list: 'string' }),
  };
  recordInto(frame.exit, 'the exit handler', () => body(run as unknown as RunRefs));
}
