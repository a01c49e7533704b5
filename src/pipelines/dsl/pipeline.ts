import { invalidArgument } from '../../core/errors.js';
import { SPEC_NAME_PATTERN } from '../spec/types.js';
import { activeScope, dslError, recordInto } from './builder.js';
import { bindInputs, type InputInfo, inputInfos } from './component.js';
import { Frame, PipelineCallNode, resultRefs } from './graph.js';
import { callerModules } from './location.js';
import { type Ref, RefImpl } from './refs.js';
import type { InputDecls, NoDecls, TypeOf } from './types.js';
import type { BodyResult, CallArgs, CheckedDecls, ResultRefs, Task } from './wiring.js';

export interface PipelineOptions<P extends InputDecls> {
  name: string;
  description?: string;
  /** Run parameters: `{ threshold: { type: 'number', default: 0.85 }, data: Dataset }`. */
  params?: P & CheckedDecls<P>;
}

/** The references a pipeline body receives for its parameters. */
export type ParamRefs<P> = { readonly [K in keyof P]: Ref<TypeOf<P[K]>> };

export interface PipelineDefinitionDsl {
  readonly name: string;
  readonly description: string | undefined;
  readonly params: Record<string, InputInfo>;
  /** User modules on the stack when it was defined, innermost first. */
  readonly definedIn: string[];
  /** Runs the body once (memoised) and returns the recorded graph. */
  build(): Frame;
}

/** A pipeline: compile it, run it, or call it inside another pipeline's body as one task. */
export interface Pipeline<P extends InputDecls, Refs> {
  (...args: CallArgs<P, { name?: string }>): Task<Refs>;
  readonly definition: PipelineDefinitionDsl;
}

const PIPELINE = Symbol.for('osprey.pipeline');

export function pipelineDefinitionOf(value: unknown): PipelineDefinitionDsl | undefined {
  return typeof value === 'function' ? (value as { [PIPELINE]?: PipelineDefinitionDsl })[PIPELINE] : undefined;
}

/**
 * Declares a pipeline. The body runs when the pipeline is compiled (not now), synchronously, and only records
 * the graph: it calls components, `when`, `forEach`, `collect`, `onExit`, and may return named outputs.
 */
export function pipeline<const P extends InputDecls = NoDecls, R extends BodyResult = void>(
  options: PipelineOptions<P>,
  body: (params: ParamRefs<P>) => R,
): Pipeline<P, ResultRefs<R>> {
  const name = options?.name;
  if (typeof name !== 'string' || !SPEC_NAME_PATTERN.test(name)) {
    throw invalidArgument(
      `pipeline name ${JSON.stringify(name)} is invalid: use a letter, then letters, digits, _ or -`,
    );
  }
  if (typeof body !== 'function') throw invalidArgument(`pipeline '${name}': the second argument must be a function`);
  const definition = new PipelineDefinitionImpl(
    name,
    options.description,
    inputInfos(options.params ?? {}, `pipeline '${name}' param`, true),
    callerModules(pipeline),
    body as (params: unknown) => unknown,
  );
  const call = (inputs?: unknown, callOptions?: { name?: string }) => {
    const scope = activeScope(`pipeline '${name}'`);
    const calleeFrame = definition.build();
    const taskName = scope.frame.claimName(callOptions?.name, name);
    const bound = bindInputs(scope, definition.params, inputs, `task '${taskName}'`);
    return new PipelineCallNode(scope, taskName, definition, calleeFrame, bound);
  };
  Object.defineProperty(call, 'name', { value: name });
  Object.defineProperty(call, 'definition', { value: definition, enumerable: true });
  Object.defineProperty(call, PIPELINE, { value: definition });
  return call as unknown as Pipeline<P, ResultRefs<R>>;
}

class PipelineDefinitionImpl implements PipelineDefinitionDsl {
  private frame: Frame | null = null;
  private building = false;

  constructor(
    readonly name: string,
    readonly description: string | undefined,
    readonly params: Record<string, InputInfo>,
    readonly definedIn: string[],
    private readonly body: (params: unknown) => unknown,
  ) {}

  build(): Frame {
    if (this.frame) return this.frame;
    if (this.building) throw dslError(`pipeline '${this.name}' contains itself, directly or through another pipeline`);
    this.building = true;
    try {
      const frame = new Frame(this);
      const refs = Object.fromEntries(
        Object.entries(this.params).map(([param, { type }]) => [
          param,
          new RefImpl({ kind: 'param', frame, name: param }, type),
        ]),
      );
      const params = new Proxy(refs, {
        get: (target, key, receiver) => {
          if (typeof key === 'string' && !(key in target) && key !== 'then' && key !== 'toJSON') {
            const known = Object.keys(target).join(', ') || 'none';
            throw dslError(`pipeline '${this.name}' has no parameter '${key}' (params: ${known})`);
          }
          return Reflect.get(target, key, receiver);
        },
      });
      const result = recordInto(frame.root, `the body of pipeline '${this.name}'`, () => this.body(params));
      frame.outputs = resultRefs(result, `pipeline '${this.name}'`);
      this.frame = frame;
      return frame;
    } finally {
      this.building = false;
    }
  }
}
