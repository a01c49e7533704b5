import type { ComparisonOp, JsonPath, JsonValue, ValueType } from '../spec/types.js';
import { commonJsonType, formatType, isJsonValue, isParameterType } from '../spec/value-types.js';
import { dslError } from './builder.js';
import type { Frame, LoopNode, NodeImpl } from './graph.js';
import type { ArtifactClass, TypeSpec } from './types.js';

declare const refType: unique symbol;

/** A value of the graph, known only when the pipeline runs: a parameter, a task output, a loop item. */
export interface RefBase<T = TypeSpec> {
  /** Type-level only: the value's type, which wiring is checked against. */
  readonly [refType]: T;
}
/** A condition on values of the graph, evaluated by the executor (`when(...)`). */
export interface Condition {
  and(other: Condition): Condition;
  or(other: Condition): Condition;
  not(): Condition;
}
export interface NumberRef extends RefBase<'number'> {
  eq(other: number | NumberRef): Condition;
  ne(other: number | NumberRef): Condition;
  gt(other: number | NumberRef): Condition;
  gte(other: number | NumberRef): Condition;
  lt(other: number | NumberRef): Condition;
  lte(other: number | NumberRef): Condition;
}
export interface StringRef extends RefBase<'string'> {
  eq(other: string | StringRef): Condition;
  ne(other: string | StringRef): Condition;
}
export interface BooleanRef extends RefBase<'boolean'> {
  eq(other: boolean | BooleanRef): Condition;
  ne(other: boolean | BooleanRef): Condition;
}
export interface JsonRef extends RefBase<'json'> {
  get(key: string | number): JsonRef;
}
export interface MetricsRef extends RefBase<ArtifactClass<'Metrics'>> {
  /** One metric of the Metrics artifact, as a number. */
  get(metric: string): NumberRef;
}
/** A loop item of known shape: `.get('lr')` has the field's type. */
export interface FieldsRef<V> extends RefBase<'json'> {
  get<K extends keyof V & (string | number)>(key: K): ItemRef<V[K]>;
}

/** The reference type for a value type. */
export type Ref<T> = [T] extends ['number']
  ? NumberRef
  : [T] extends ['string']
    ? StringRef
    : [T] extends ['boolean']
      ? BooleanRef
      : [T] extends ['json']
        ? JsonRef
        : [T] extends [ArtifactClass<'Metrics'>]
          ? MetricsRef
          : RefBase<T>;

/** The reference to one element of a constant list. */
export type ItemRef<V> = V extends number
  ? NumberRef
  : V extends string
    ? StringRef
    : V extends boolean
      ? BooleanRef
      : V extends readonly unknown[]
        ? JsonRef
        : V extends object
          ? FieldsRef<V>
          : JsonRef;

/** Where a reference's value comes from. */
export type Origin =
  | { kind: 'param'; frame: Frame; name: string }
  | { kind: 'output'; node: NodeImpl; output: string }
  | { kind: 'item'; loop: LoopNode }
  | { kind: 'run'; frame: Frame; field: 'status' | 'failedTasks' };

/** A loop's per-iteration value (`forEach(...).outputs.x`): only `collect(...)` accepts it. */
export const ITERATED = Symbol('osprey.iterated');
export interface IteratedValue {
  readonly [ITERATED]: { loop: LoopNode; output: string };
}
export function isIterated(value: unknown): value is IteratedValue {
  return value !== null && typeof value === 'object' && ITERATED in value;
}

/** A constant or a reference: what may be wired into an input or compared. */
export type Operand = RefImpl | JsonValue;

// References are recognised by a registered symbol, not by class: a compiler from one copy of Osprey must
// understand pipelines defined with another (a global CLI compiling a project with its own `osprey`).
const REF = Symbol.for('osprey.ref');
export function isRef(value: unknown): value is RefImpl {
  return value !== null && typeof value === 'object' && (value as { [REF]?: unknown })[REF] === true;
}

/** The one runtime class behind every reference type above. */
export class RefImpl {
  readonly [REF] = true;
  constructor(
    readonly origin: Origin,
    readonly type: ValueType,
    readonly path: JsonPath = [],
    /** For items of a constant list: the values this reference takes, to type `.get()` precisely. */
    readonly samples: readonly JsonValue[] | null = null,
  ) {}

  get(key: string | number): RefImpl {
    if (this.type === 'Metrics' && this.path.length === 0 && typeof key === 'string') {
      return new RefImpl(this.origin, 'number', [key]);
    }
    if (this.type !== 'json') {
      throw dslError(`.get(${JSON.stringify(key)}) on ${this}: .get reads a field of a json value or a metric`);
    }
    const samples = this.samples?.map((v) => (v !== null && typeof v === 'object' ? lookup(v, key) : undefined));
    const known = samples?.every((v) => v !== undefined) ? (samples as JsonValue[]) : null;
    return new RefImpl(this.origin, known ? commonJsonType(known) : 'json', [...this.path, key], known);
  }

  eq(other: unknown): ConditionImpl {
    return compare('eq', this, other);
  }
  ne(other: unknown): ConditionImpl {
    return compare('ne', this, other);
  }
  gt(other: unknown): ConditionImpl {
    return compare('gt', this, other);
  }
  gte(other: unknown): ConditionImpl {
    return compare('gte', this, other);
  }
  lt(other: unknown): ConditionImpl {
    return compare('lt', this, other);
  }
  lte(other: unknown): ConditionImpl {
    return compare('lte', this, other);
  }

  /** How the reference reads in messages: `param 'threshold'`, `'train.metrics'["accuracy"]`… */
  toString(): string {
    const path = this.path.map((k) => `[${JSON.stringify(k)}]`).join('');
    const o = this.origin;
    if (o.kind === 'param') return `param '${o.name}'${path}`;
    if (o.kind === 'output') return `'${o.node.name}.${o.output}'${path}`;
    if (o.kind === 'item') return `the item of loop '${o.loop.name}'${path}`;
    return `run.${o.field}`;
  }
}

function lookup(value: JsonValue, key: string | number): JsonValue | undefined {
  if (Array.isArray(value)) return typeof key === 'number' ? value[key] : undefined;
  return Object.hasOwn(value as object, key) ? (value as Record<string, JsonValue>)[key] : undefined;
}

/** Conditions as data: the compiler turns them into spec predicates. */
export type PredicateTree =
  | { op: ComparisonOp; left: RefImpl; right: Operand }
  | { op: 'and'; all: PredicateTree[] }
  | { op: 'or'; any: PredicateTree[] }
  | { op: 'not'; predicate: PredicateTree };

export class ConditionImpl {
  constructor(readonly tree: PredicateTree) {}
  and(other: unknown): ConditionImpl {
    return new ConditionImpl({ op: 'and', all: [this.tree, conditionTree(other, 'and')] });
  }
  or(other: unknown): ConditionImpl {
    return new ConditionImpl({ op: 'or', any: [this.tree, conditionTree(other, 'or')] });
  }
  not(): ConditionImpl {
    return new ConditionImpl({ op: 'not', predicate: this.tree });
  }
}

function conditionTree(value: unknown, what: string): PredicateTree {
  if (value instanceof ConditionImpl) return value.tree;
  throw dslError(`.${what}(...) expects a condition such as t.outputs.rows.gt(100)`);
}

function compare(op: ComparisonOp, left: RefImpl, right: unknown): ConditionImpl {
  const ordering = op !== 'eq' && op !== 'ne';
  const rightType = right instanceof RefImpl ? right.type : typeOfConstant(right);
  const fail = (why: string) => dslError(`${left}.${op}(${describe(right)}): ${why}`);
  if (rightType === null) throw fail('the right side must be a constant or a reference');
  if (ordering && (left.type !== 'number' || rightType !== 'number')) {
    throw fail(`${op} compares numbers, not ${formatType(left.type)} with ${formatType(rightType)}`);
  }
  if (!isParameterType(left.type) || !isParameterType(rightType)) {
    throw fail(`cannot compare ${formatType(left.type)} with ${formatType(rightType)}`);
  }
  if (left.type !== rightType && left.type !== 'json' && rightType !== 'json') {
    throw fail(`compares ${left.type} with ${rightType}`);
  }
  return new ConditionImpl({ op, left, right: right as Operand });
}

function typeOfConstant(value: unknown): ValueType | null {
  if (!isJsonValue(value)) return null;
  return commonJsonType([value]);
}

function describe(value: unknown): string {
  return value instanceof RefImpl ? String(value) : (JSON.stringify(value) ?? String(value));
}
