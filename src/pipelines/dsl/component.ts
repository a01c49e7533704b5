import { invalidArgument } from '../../core/errors.js';
import type { CommandArg, JsonValue, ValueType } from '../spec/types.js';
import { DEFAULT_RETRY, SPEC_NAME_PATTERN } from '../spec/types.js';
import {
  formatType,
  holdsArtifacts,
  isArtifactType,
  isAssignable,
  listItemType,
  valueProblem,
} from '../spec/value-types.js';
import { activeScope, dslError } from './builder.js';
import type { ComponentContext, ComponentResult } from './context.js';
import { type Scope, TaskNode, type TaskPolicy } from './graph.js';
import { callerModules } from './location.js';
import { ConditionImpl, isIterated, type Operand, RefImpl } from './refs.js';
import { declaration, type InputDecls, type NoDecls, type OutputDecls, toValueType } from './types.js';
import type { CallArgs, CheckedDecls, InputValues, OutputRefs, Task } from './wiring.js';

export interface RetryOptions {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Wait before the second attempt (default 1000); multiplied by `factor` (default 2) for each later one. */
  backoffMs?: number;
  factor?: number;
  /** Longest wait between attempts (default 300 000). */
  maxBackoffMs?: number;
}
export interface PolicyOptions {
  retry?: RetryOptions;
  /** Per attempt. */
  timeoutMs?: number;
  /** Reuse the outputs of an earlier execution with the same code, image and inputs. Default false. */
  cache?: boolean;
}
export interface TaskOptions extends PolicyOptions {
  /** The task's name (default: the component's name, then name-2, name-3…). */
  name?: string;
}
export interface ComponentOptions<I extends InputDecls, O extends OutputDecls> extends PolicyOptions {
  name: string;
  description?: string;
  inputs?: I & CheckedDecls<I>;
  outputs?: O;
  /** The image to run in under the container and Argo runners (the process runner records it). */
  image?: string;
}

export type ComponentFunction<I extends InputDecls, O extends OutputDecls> = (
  inputs: InputValues<I>,
  ctx: ComponentContext<O>,
) => ComponentResult<O> | Promise<ComponentResult<O>>;

export interface InputInfo {
  type: ValueType;
  default?: JsonValue;
  description?: string;
}
export interface OutputInfo {
  type: ValueType;
  description?: string;
}
interface DefinitionBase {
  name: string;
  description?: string;
  inputs: Record<string, InputInfo>;
  outputs: Record<string, OutputInfo>;
  policy: TaskPolicy;
}
export interface FunctionComponentDefinition extends DefinitionBase {
  kind: 'function';
  // biome-ignore lint/suspicious/noExplicitAny: the executor calls it with values checked against the spec.
  fn: (inputs: any, ctx: any) => unknown;
  image?: string;
  /** User modules on the stack when it was defined, innermost first: where its export is looked for. */
  definedIn: string[];
}
export interface CommandComponentDefinition extends DefinitionBase {
  kind: 'command';
  image: string;
  command: CommandArg[];
  env: Record<string, CommandArg>;
}
export type ComponentDefinition = FunctionComponentDefinition | CommandComponentDefinition;

/** A component: call it inside a pipeline body to add a task. */
export interface Component<I extends InputDecls, O extends OutputDecls> {
  (...args: CallArgs<I, TaskOptions>): Task<OutputRefs<O>>;
  readonly definition: ComponentDefinition;
}

const COMPONENT = Symbol.for('osprey.component');

/** The definition behind a component value (as exported by a pipeline module), or undefined. */
export function componentDefinitionOf(value: unknown): ComponentDefinition | undefined {
  return typeof value === 'function' ? (value as { [COMPONENT]?: ComponentDefinition })[COMPONENT] : undefined;
}

/**
 * A step written as a TypeScript function. Artifact inputs arrive as `{ path, uri, digest, metadata }`, artifact
 * outputs are written to `ctx.outputs.<name>.path`, parameter outputs are returned.
 */
export function component<const I extends InputDecls = NoDecls, const O extends OutputDecls = NoDecls>(
  options: ComponentOptions<I, O>,
  fn: ComponentFunction<I, O>,
): Component<I, O> {
  const base = componentBase(options);
  if (typeof fn !== 'function')
    throw invalidArgument(`component '${base.name}': the second argument must be a function`);
  const definition: FunctionComponentDefinition = {
    kind: 'function',
    ...base,
    fn,
    ...(options.image === undefined ? {} : { image: checkImage(options.image, base.name) }),
    definedIn: callerModules(component),
  };
  return makeComponent<I, O>(definition);
}

export function makeComponent<I extends InputDecls, O extends OutputDecls>(definition: ComponentDefinition) {
  const call = (inputs?: unknown, options?: TaskOptions) => addTask(definition, inputs, options ?? {});
  Object.defineProperty(call, 'name', { value: definition.name });
  Object.defineProperty(call, 'definition', { value: definition, enumerable: true });
  Object.defineProperty(call, COMPONENT, { value: definition });
  return call as unknown as Component<I, O>;
}

/** The parts shared by function and command components, checked. */
export function componentBase(options: ComponentOptions<InputDecls, OutputDecls>): DefinitionBase {
  const name = options?.name;
  if (typeof name !== 'string' || !SPEC_NAME_PATTERN.test(name)) {
    throw invalidArgument(
      `component name ${JSON.stringify(name)} is invalid: use a letter, then letters, digits, _ or -`,
    );
  }
  const where = `component '${name}'`;
  const outputs = Object.fromEntries(
    Object.entries(options.outputs ?? {}).map(([output, decl]) => {
      checkName(output, `${where} output`);
      const { type, description } = declaration(decl);
      const valueType = toValueType(type, `${where} output '${output}'`);
      if (listItemType(valueType) !== null && holdsArtifacts(valueType)) {
        throw invalidArgument(`${where} output '${output}': a component cannot output a list of artifacts`);
      }
      return [output, { type: valueType, ...(description === undefined ? {} : { description }) }];
    }),
  );
  return {
    name,
    ...(options.description === undefined ? {} : { description: options.description }),
    inputs: inputInfos(options.inputs ?? {}, where),
    outputs,
    policy: taskPolicy(options, where),
  };
}

/**
 * Checked input declarations. Only pipeline parameters (`artifactDefaults`) may give an artifact a default:
 * a reference string that the executor resolves when the pipeline runs as the root.
 */
export function inputInfos(decls: object, where: string, artifactDefaults = false): Record<string, InputInfo> {
  return Object.fromEntries(
    Object.entries(decls).map(([input, decl]) => {
      checkName(input, `${where} input`);
      const { type, default: value, description } = declaration(decl);
      const info: InputInfo = { type: toValueType(type, `${where} input '${input}'`) };
      if (value !== undefined) {
        const problem = !isArtifactType(info.type)
          ? valueProblem(info.type, value)
          : !artifactDefaults
            ? 'an artifact input cannot have a default; wire it from a parameter or a task output'
            : typeof value === 'string' && value !== ''
              ? null
              : `expects a ${info.type} reference string`;
        if (problem) throw invalidArgument(`${where} input '${input}' default: ${problem}`);
        info.default = structuredClone(value) as JsonValue;
      }
      if (description !== undefined) info.description = description;
      return [input, info];
    }),
  );
}

export function taskPolicy(options: PolicyOptions, where: string, base?: TaskPolicy): TaskPolicy {
  const retry = options.retry;
  const policy: TaskPolicy = base ? { ...base } : { retry: DEFAULT_RETRY, timeoutMs: null, cache: false };
  if (retry !== undefined) {
    policy.retry = { ...DEFAULT_RETRY, ...retry };
    const { attempts, backoffMs, factor, maxBackoffMs } = policy.retry;
    if (!Number.isInteger(attempts) || attempts < 1) throw invalidArgument(`${where}: retry.attempts must be ≥ 1`);
    if (!Number.isInteger(backoffMs) || backoffMs < 0) throw invalidArgument(`${where}: retry.backoffMs must be ≥ 0`);
    if (!(factor >= 1)) throw invalidArgument(`${where}: retry.factor must be ≥ 1`);
    if (!Number.isInteger(maxBackoffMs) || maxBackoffMs < 0) {
      throw invalidArgument(`${where}: retry.maxBackoffMs must be ≥ 0`);
    }
  }
  if (options.timeoutMs !== undefined) {
    if (!Number.isInteger(options.timeoutMs) || options.timeoutMs <= 0) {
      throw invalidArgument(`${where}: timeoutMs must be a positive whole number of milliseconds`);
    }
    policy.timeoutMs = options.timeoutMs;
  }
  if (options.cache !== undefined) policy.cache = options.cache === true;
  return policy;
}

function addTask(definition: ComponentDefinition, inputs: unknown, options: TaskOptions): TaskNode {
  const scope = activeScope(`component '${definition.name}'`);
  const name = scope.frame.claimName(options.name, definition.name);
  const bound = bindInputs(scope, definition.inputs, inputs, `task '${name}'`);
  const policy = taskPolicy(options, `task '${name}'`, definition.policy);
  return new TaskNode(scope, name, definition, bound, policy);
}

/** Checks a call's inputs against declarations and fills in defaults; errors name the task and the input. */
export function bindInputs(
  scope: Scope,
  declared: Record<string, InputInfo>,
  given: unknown,
  what: string,
): Record<string, Operand> {
  const values = (given ?? {}) as Record<string, unknown>;
  if (typeof values !== 'object' || Array.isArray(values)) throw dslError(`${what}: inputs must be an object`);
  const known = Object.keys(declared).join(', ') || 'none';
  for (const key of Object.keys(values)) {
    if (!(key in declared)) throw dslError(`${what}: unknown input '${key}' (inputs: ${known})`, { input: key });
  }
  const bound: Record<string, Operand> = {};
  for (const [input, info] of Object.entries(declared)) {
    const at = `${what} input '${input}'`;
    // Artifact defaults (pipeline parameters) only apply to a root run: a call must wire the artifact.
    const fallback = isArtifactType(info.type) ? undefined : info.default;
    const value = values[input] === undefined ? fallback : values[input];
    if (value === undefined) throw dslError(`${at} is missing (${formatType(info.type)})`, { input });
    if (value instanceof RefImpl) {
      checkSameFrame(scope, value, at);
      if (!isAssignable(value.type, info.type)) {
        throw dslError(`${at} expects ${formatType(info.type)}, but ${value} is ${formatType(value.type)}`, { input });
      }
      bound[input] = value;
    } else {
      bound[input] = constantOperand(value, info.type, at);
    }
  }
  return bound;
}

function constantOperand(value: unknown, type: ValueType, at: string): Operand {
  if (value instanceof ConditionImpl) throw dslError(`${at}: a condition is not a value; use it in when(...)`);
  if (isIterated(value)) throw dslError(`${at}: ${value} has one value per loop iteration; wrap it in collect(...)`);
  const problem = valueProblem(type, value);
  if (problem) throw dslError(`${at} ${problem}`);
  return structuredClone(value) as JsonValue;
}

/** A reference can only be used in the pipeline whose body created it. */
export function checkSameFrame(scope: Scope, ref: RefImpl, at: string): void {
  const o = ref.origin;
  const frame = o.kind === 'output' ? o.node.scope.frame : o.kind === 'item' ? o.loop.scope.frame : o.frame;
  if (frame !== scope.frame) {
    throw dslError(
      `${at}: ${ref} belongs to pipeline '${frame.pipeline.name}'; pass it in as a parameter of '${scope.frame.pipeline.name}'`,
    );
  }
}

function checkName(name: string, what: string): void {
  if (!SPEC_NAME_PATTERN.test(name)) {
    throw invalidArgument(
      `${what} name ${JSON.stringify(name)} is invalid: use a letter, then letters, digits, _ or -`,
    );
  }
}

export function checkImage(image: unknown, component: string): string {
  if (typeof image !== 'string' || image.trim() === '' || /\s/.test(image)) {
    throw invalidArgument(`component '${component}': image must be an image reference such as python:3.12-slim`);
  }
  return image;
}
