import { invalidArgument, type OspreyError } from '../../core/errors.js';
import type { Scope } from './graph.js';

// Pipeline bodies run synchronously while a pipeline is built; the scope they record into sits on this stack.
// Nested pipeline builds, `when` branches and loop bodies push their own scope and pop it when they return.
const stack: Scope[] = [];

/** The scope being recorded into; throws a clear error when `what` is used outside a pipeline body. */
export function activeScope(what: string): Scope {
  const scope = stack.at(-1);
  if (!scope) {
    throw invalidArgument(
      `${what} can only be used inside a pipeline body: pipeline({ name, params }, (params) => { … })`,
    );
  }
  return scope;
}

export function hasActiveScope(): boolean {
  return stack.length > 0;
}

/** Runs `body` recording into `scope`. Bodies must be synchronous: they declare the graph, steps do the work. */
export function recordInto<T>(scope: Scope, what: string, body: () => T): T {
  stack.push(scope);
  try {
    const result = body();
    if (result !== null && typeof (result as { then?: unknown } | undefined)?.then === 'function') {
      throw dslError(`${what} must be synchronous (it declares the graph; async work belongs in components)`);
    }
    return result;
  } finally {
    stack.pop();
  }
}

/** An INVALID_ARGUMENT error prefixed with the pipeline being built, when there is one. */
export function dslError(message: string, details: Record<string, unknown> = {}): OspreyError {
  const scope = stack.at(-1);
  const pipeline = scope?.frame.pipeline.name;
  return invalidArgument(pipeline === undefined ? message : `pipeline '${pipeline}': ${message}`, {
    ...(pipeline === undefined ? {} : { pipeline }),
    ...details,
  });
}
