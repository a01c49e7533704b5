import type { Ref, RefBase } from './refs.js';
import type {
  Accepted,
  ArtifactClass,
  ConstantOf,
  HasDefault,
  InputDecls,
  OutputDecls,
  TypeOf,
  ValueOf,
} from './types.js';

// Type-level wiring rules: what TypeScript checks when a pipeline body calls components. The compiler checks
// the same rules at run time (for JavaScript callers and casts) and names the task and field when one fails.

/** Anything in the graph that other tasks can wait for with `.after(...)`. */
export interface Node {
  /** The task's name in the spec: unique within its pipeline. */
  readonly name: string;
  /** Runs this task only after `nodes` have finished, in addition to its data dependencies. */
  after(...nodes: Node[]): this;
}

/** A task of the graph and its outputs; `t.outputs.nope` does not type-check. */
export interface Task<Refs> extends Node {
  readonly outputs: Refs;
}

/** What may be wired into a slot of type T: a constant of the type or a reference of an accepted type. */
export type Wire<T> = ConstantOf<T> | RefBase<Accepted<T>>;

type RequiredKeys<I> = { [K in keyof I]: HasDefault<I[K]> extends true ? never : K }[keyof I];
type OptionalKeys<I> = { [K in keyof I]: HasDefault<I[K]> extends true ? K : never }[keyof I];

/** The inputs object of a call: inputs without a default are required; unknown names are rejected. */
export type WiredInputs<I> = { readonly [K in RequiredKeys<I>]: Wire<TypeOf<I[K]>> } & {
  readonly [K in OptionalKeys<I>]?: Wire<TypeOf<I[K]>>;
};

/** The call's arguments: the inputs object may be left out when every input has a default. */
export type CallArgs<I, Options> = [RequiredKeys<I>] extends [never]
  ? [inputs?: WiredInputs<I>, options?: Options]
  : [inputs: WiredInputs<I>, options?: Options];

/** The values a function component receives. */
export type InputValues<I extends InputDecls> = { readonly [K in keyof I]: ValueOf<TypeOf<I[K]>> };

/** The output references of a component's task. */
export type OutputRefs<O extends OutputDecls> = { readonly [K in keyof O]: Ref<TypeOf<O[K]>> };

/** The default a declaration may carry: a constant of its type, or a reference string for an artifact. */
export type DefaultOf<T> = T extends ArtifactClass ? string : ConstantOf<T>;

/** Declarations whose defaults match their types: `{ type: 'number', default: 'x' }` does not type-check. */
export type CheckedDecls<D> = {
  readonly [K in keyof D]: D[K] extends { readonly type: infer T; readonly default: unknown }
    ? { readonly type: T; readonly default: DefaultOf<T>; readonly description?: string }
    : D[K];
};

/** What a pipeline body, a `when` branch or a loop body may return: nothing, a task, or named references. */
// biome-ignore lint/suspicious/noConfusingVoidType: lets bodies that return nothing be written as `() => { … }`.
export type BodyResult = void | undefined | { readonly outputs: object } | { readonly [name: string]: RefBase };

/** The named references a body result exposes. */
export type ResultRefs<R> = R extends { readonly outputs: infer O }
  ? O
  : R extends { readonly [name: string]: RefBase }
    ? R
    : // biome-ignore lint/complexity/noBannedTypes: an empty record of outputs.
      {};

declare const iterated: unique symbol;
/** One value per loop iteration; `collect(...)` turns it into a list after the loop. */
export interface Iterated<R> {
  readonly [iterated]: R;
}
