import type { JsonValue, RetryPolicy, ValueType } from '../spec/types.js';
import { SPEC_NAME_PATTERN } from '../spec/types.js';
import { formatType, isAssignable } from '../spec/value-types.js';
import { activeScope, dslError, recordInto } from './builder.js';
import type { ComponentDefinition } from './component.js';
import type { PipelineDefinitionDsl } from './pipeline.js';
import { type ConditionImpl, type IteratedValue, isIterated, type Operand, RefImpl } from './refs.js';

// The graph a pipeline body records: a frame per pipeline definition, scopes for its root, condition branches,
// loop bodies and exit handler, and nodes in creation order. The compiler lowers it to the spec.

export type ScopeRole = 'root' | 'then' | 'else' | 'body' | 'exit';

export class Scope {
  readonly nodes: NodeImpl[] = [];
  constructor(
    readonly frame: Frame,
    readonly parent: Scope | null,
    readonly owner: ConditionNode | LoopNode | null,
    readonly role: ScopeRole,
  ) {}

  /** Whether values visible here are visible in `inner` (this scope is `inner` or one of its ancestors). */
  encloses(inner: Scope): boolean {
    for (let s: Scope | null = inner; s; s = s.parent) if (s === this) return true;
    return false;
  }
}

export class Frame {
  readonly root: Scope;
  exit: Scope | null = null;
  outputs: Record<string, RefImpl> = {};
  private readonly names = new Set<string>();

  constructor(readonly pipeline: PipelineDefinitionDsl) {
    this.root = new Scope(this, null, null, 'root');
  }

  /** A name unique in this pipeline: `requested` as given, else `base`, `base-2`… (`base-1`… when numbered). */
  claimName(requested: string | undefined, base: string, numbered = false): string {
    if (requested !== undefined) {
      if (!SPEC_NAME_PATTERN.test(requested)) {
        throw dslError(`task name ${JSON.stringify(requested)} is invalid: use a letter, then letters, digits, _ or -`);
      }
      if (this.names.has(requested)) throw dslError(`task name '${requested}' is already used in this pipeline`);
      this.names.add(requested);
      return requested;
    }
    let name = numbered ? `${base}-1` : base;
    for (let n = 2; this.names.has(name); n++) name = `${base}-${n}`;
    this.names.add(name);
    return name;
  }
}

let nextSeq = 0;

export abstract class NodeImpl {
  abstract readonly kind: 'component' | 'pipeline' | 'condition' | 'loop';
  /** Creation order: the tie-breaker that makes the spec's task order deterministic. */
  readonly seq = nextSeq++;
  readonly afterNodes: NodeImpl[] = [];

  constructor(
    readonly scope: Scope,
    readonly name: string,
  ) {
    scope.nodes.push(this);
  }

  /** Runs this task only after `nodes` have finished (in addition to the data dependencies). */
  after(...nodes: unknown[]): this {
    for (const node of nodes) {
      if (!(node instanceof NodeImpl)) throw dslError(`'${this.name}'.after(...) expects tasks, got ${String(node)}`);
      if (node.scope.frame !== this.scope.frame) {
        throw dslError(`'${this.name}'.after('${node.name}'): '${node.name}' belongs to another pipeline`);
      }
      if (node === this) throw dslError(`'${this.name}'.after(...) names the task itself`);
      if (!this.afterNodes.includes(node)) this.afterNodes.push(node);
    }
    return this;
  }
}

export interface TaskPolicy {
  retry: RetryPolicy;
  timeoutMs: number | null;
  cache: boolean;
}

export class TaskNode extends NodeImpl {
  readonly kind = 'component';
  readonly outputs: Record<string, RefImpl>;
  constructor(
    scope: Scope,
    name: string,
    readonly component: ComponentDefinition,
    readonly inputs: Record<string, Operand>,
    readonly policy: TaskPolicy,
  ) {
    super(scope, name);
    const types = Object.fromEntries(Object.entries(component.outputs).map(([k, o]) => [k, o.type]));
    this.outputs = outputRecord(this, types, `component '${component.name}'`);
  }
}

export class PipelineCallNode extends NodeImpl {
  readonly kind = 'pipeline';
  readonly outputs: Record<string, RefImpl>;
  constructor(
    scope: Scope,
    name: string,
    readonly callee: PipelineDefinitionDsl,
    readonly calleeFrame: Frame,
    readonly inputs: Record<string, Operand>,
  ) {
    super(scope, name);
    const types = Object.fromEntries(Object.entries(calleeFrame.outputs).map(([k, ref]) => [k, ref.type]));
    this.outputs = outputRecord(this, types, `pipeline '${callee.name}'`);
  }
}

export class ConditionNode extends NodeImpl {
  readonly kind = 'condition';
  readonly thenScope: Scope;
  elseScope: Scope | null = null;
  thenResult: Record<string, RefImpl> = {};
  elseResult: Record<string, RefImpl> | null = null;
  /** The values of whichever branch ran: set by `otherwise`, for the keys both branches return. */
  outputs: Record<string, RefImpl> = {};
  constructor(
    scope: Scope,
    name: string,
    readonly condition: ConditionImpl,
  ) {
    super(scope, name);
    this.thenScope = new Scope(scope.frame, scope, this, 'then');
  }

  /** Records the branch that runs when the condition is false; it must return what the then-branch returns. */
  otherwise(body: () => unknown): this {
    if (activeScope(`'${this.name}'.otherwise(...)`).frame !== this.scope.frame) {
      throw dslError(
        `'${this.name}'.otherwise(...) must be called in the body of the pipeline that has '${this.name}'`,
      );
    }
    if (this.elseScope) throw dslError(`'${this.name}'.otherwise(...) was already given`);
    this.elseScope = new Scope(this.scope.frame, this.scope, this, 'else');
    const what = `the otherwise-branch of '${this.name}'`;
    const elseResult = resultRefs(recordInto(this.elseScope, what, body), what);
    for (const [key, ref] of Object.entries(this.thenResult)) {
      const other = elseResult[key];
      if (!other) throw dslError(`${what} must return '${key}' as the then-branch does`);
      if (!isAssignable(other.type, ref.type)) {
        throw dslError(
          `${what} returns '${key}' as ${formatType(other.type)}, the then-branch as ${formatType(ref.type)}`,
        );
      }
    }
    this.elseResult = elseResult;
    const types = Object.fromEntries(Object.entries(this.thenResult).map(([k, ref]) => [k, ref.type]));
    this.outputs = outputRecord(this, types, `condition '${this.name}'`);
    return this;
  }
}

export class LoopNode extends NodeImpl {
  readonly kind = 'loop';
  readonly body: Scope;
  /** Collected outputs: name → the reference inside the body whose per-iteration values form the list. */
  readonly results = new Map<string, RefImpl>();
  /** What `forEach(...).outputs` shows: one per-iteration value per returned reference. */
  outputs: Record<string, IteratedValue> = {};
  constructor(
    scope: Scope,
    name: string,
    readonly items: Operand,
    readonly itemType: ValueType,
    readonly parallelism: number | null,
    /** The items, when they are a constant list. */
    readonly constantItems: readonly JsonValue[] | null,
  ) {
    super(scope, name);
    this.body = new Scope(scope.frame, scope, this, 'body');
  }
}

/** A record of output references that names the available outputs when asked for one that does not exist. */
export function outputRecord(node: NodeImpl, types: Record<string, ValueType>, what: string): Record<string, RefImpl> {
  const record = Object.fromEntries(
    Object.entries(types).map(([output, type]) => [output, new RefImpl({ kind: 'output', node, output }, type)]),
  );
  return new Proxy(record, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target) && !INSPECTED_KEYS.has(key)) {
        const known = Object.keys(target).join(', ') || 'none';
        throw dslError(`task '${node.name}' (${what}) has no output '${key}' (outputs: ${known})`, {
          task: node.name,
          output: key,
        });
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

// Keys that runtimes and tools probe on any object (promises, JSON, inspection): absent, not errors.
const INSPECTED_KEYS = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', 'nodeType', '$$typeof']);

/** The named references a body returned: nothing, a task (its outputs), or a record of references. */
export function resultRefs(result: unknown, what: string): Record<string, RefImpl> {
  if (result === undefined || result === null) return {};
  const record = result instanceof NodeImpl ? ((result as { outputs?: object }).outputs ?? {}) : result;
  if (typeof record !== 'object') throw dslError(`${what} returned ${String(result)}: return task outputs or nothing`);
  return Object.fromEntries(
    Object.entries(record).map(([key, value]) => {
      if (!SPEC_NAME_PATTERN.test(key)) throw dslError(`${what} returned an output named ${JSON.stringify(key)}`);
      if (!(value instanceof RefImpl)) {
        throw dslError(
          isIterated(value)
            ? `${what} returned '${key}', which has one value per loop iteration: return collect(...) of it`
            : `${what} returned '${key}', which is not a reference: return task outputs such as { model: t.outputs.model }`,
        );
      }
      return [key, value];
    }),
  );
}
