import { errorMessage } from '../../core/errors.js';
import type {
  ConditionTaskSpec,
  JsonValue,
  LoopTaskSpec,
  PipelineDefinition,
  PipelineTaskSpec,
  TaskSpec,
} from '../spec/types.js';
import { evaluatePredicate, resolveBinding } from './bindings.js';
import { runComponentTask } from './component-task.js';
import { FrameState, type RunContext, Scope } from './run-context.js';
import { Semaphore } from './semaphore.js';

type Outputs = Record<string, JsonValue>;

/**
 * Runs a pipeline definition: its tasks, then its exit handler (which sees how they ended). Returns the frame's
 * state and its outputs (undefined when it failed).
 */
export async function runDefinition(
  ctx: RunContext,
  definition: PipelineDefinition,
  params: Record<string, JsonValue>,
  prefix: string,
): Promise<{ frame: FrameState; outputs: Outputs | undefined }> {
  const frame = new FrameState();
  const scope = new Scope(params, prefix);
  await runTaskList(ctx, definition.tasks, scope, frame);
  let outputs: Outputs | undefined;
  if (!frame.failed) {
    try {
      outputs = {};
      for (const [name, o] of Object.entries(definition.outputs))
        outputs[name] = await resolveBinding(o.from, scope, ctx.artifacts);
    } catch (error) {
      frame.fail(`${prefix}outputs: ${errorMessage(error)}`);
      outputs = undefined;
    }
  }
  if (definition.exitHandler.length > 0) {
    const run = { status: frame.failed ? 'failed' : 'succeeded', failedTasks: [...frame.failedTasks] };
    // The exit handler's failures are recorded on its tasks but do not change the frame's status.
    await runTaskList(ctx, definition.exitHandler, new Scope(params, prefix, undefined, run), new FrameState());
  }
  return { frame, outputs };
}

/** Starts each task when its dependencies have finished; after a failure in the frame, starts no new task. */
async function runTaskList(ctx: RunContext, tasks: TaskSpec[], scope: Scope, frame: FrameState): Promise<void> {
  const finished = new Map<string, Promise<void>>();
  for (const task of tasks) {
    const deps = task.dependsOn.map((name) => finished.get(name) ?? Promise.resolve());
    finished.set(
      task.name,
      Promise.all(deps).then(async () => {
        if (frame.failed || ctx.cancelled.aborted) return;
        const outputs = await runTask(ctx, task, scope, frame);
        if (outputs) scope.setOutputs(task.name, outputs);
      }),
    );
  }
  await Promise.all(finished.values());
}

async function runTask(ctx: RunContext, task: TaskSpec, scope: Scope, frame: FrameState) {
  switch (task.kind) {
    case 'component':
      return runComponentTask(ctx, task, scope, frame);
    case 'condition':
      return structural(ctx, task, scope, frame, () => runCondition(ctx, task, scope, frame));
    case 'loop':
      return structural(ctx, task, scope, frame, () => runLoop(ctx, task, scope, frame));
    case 'pipeline':
      return structural(ctx, task, scope, frame, () => runPipelineTask(ctx, task, scope, frame));
  }
}

/** Records a condition, loop or pipeline task around its body; an error in the body fails it. */
async function structural(
  ctx: RunContext,
  task: TaskSpec,
  scope: Scope,
  frame: FrameState,
  body: () => Promise<Outputs | undefined>,
): Promise<Outputs | undefined> {
  const record = await ctx.runs.ensureTask(ctx.runId, scope.prefix + task.name, task.kind);
  await ctx.runs.updateTask(record.id, { status: 'running' });
  let outputs: Outputs | undefined;
  let error: string | null = null;
  try {
    outputs = await body();
  } catch (e) {
    error = errorMessage(e);
    frame.fail(record.path);
  }
  if (outputs !== undefined && error === null) {
    await ctx.runs.updateTask(record.id, { status: 'succeeded', outputs });
    return outputs;
  }
  await ctx.runs.updateTask(record.id, { status: 'failed', error: error ?? 'a task inside it failed' });
  return undefined;
}

async function runCondition(ctx: RunContext, task: ConditionTaskSpec, scope: Scope, frame: FrameState) {
  const holds = await evaluatePredicate(task.if, scope, ctx.artifacts);
  for (const skipped of holds ? task.whenFalse : task.whenTrue) {
    const record = await ctx.runs.ensureTask(ctx.runId, scope.prefix + skipped.name, skipped.kind);
    await ctx.runs.updateTask(record.id, { status: 'skipped' });
  }
  const branch = scope.child();
  await runTaskList(ctx, holds ? task.whenTrue : task.whenFalse, branch, frame);
  if (frame.failed) return undefined;
  const outputs: Outputs = {};
  for (const [name, o] of Object.entries(task.outputs))
    outputs[name] = await resolveBinding(holds ? o.whenTrue : o.whenFalse, branch, ctx.artifacts);
  return outputs;
}

async function runLoop(ctx: RunContext, task: LoopTaskSpec, scope: Scope, frame: FrameState) {
  const items = await resolveBinding(task.items, scope, ctx.artifacts);
  if (!Array.isArray(items)) throw new Error(`loop ${task.name}: items are not a list`);
  const limit = new Semaphore(task.parallelism ?? Math.max(1, items.length));
  const iterations = items.map((item, i) => scope.withItem(task.name, item, `${scope.prefix}${task.name}[${i}]/`));
  await Promise.all(
    iterations.map((iteration) =>
      limit.use(async () => {
        if (!frame.failed && !ctx.cancelled.aborted) await runTaskList(ctx, task.tasks, iteration, frame);
      }),
    ),
  );
  if (frame.failed) return undefined;
  const outputs: Outputs = {};
  for (const [name, o] of Object.entries(task.outputs)) {
    const values: JsonValue[] = [];
    for (const iteration of iterations) values.push(await resolveBinding(o.from, iteration, ctx.artifacts));
    outputs[name] = values;
  }
  return outputs;
}

async function runPipelineTask(ctx: RunContext, task: PipelineTaskSpec, scope: Scope, frame: FrameState) {
  const definition = ctx.spec.pipelines[task.pipeline]!;
  const params: Record<string, JsonValue> = {};
  for (const [name, binding] of Object.entries(task.inputs))
    params[name] = await resolveBinding(binding, scope, ctx.artifacts);
  const nested = await runDefinition(ctx, definition, params, `${scope.prefix}${task.name}/`);
  if (nested.frame.failed) {
    frame.failedTasks.push(...nested.frame.failedTasks);
    throw new Error(`sub-pipeline ${task.pipeline} failed (${nested.frame.failedTasks.join(', ')})`);
  }
  return nested.outputs;
}
