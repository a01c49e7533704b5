import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import type { PipelineTaskRecord } from '../../store/pipelines.js';
import { cacheKey } from '../spec/digest.js';
import type { ComponentSpec, ComponentTaskSpec, JsonValue } from '../spec/types.js';
import { isArtifactType, valueProblem } from '../spec/value-types.js';
import { storeOutput } from './artifact-files.js';
import { resolveBinding } from './bindings.js';
import { launchContainerStep } from './container.js';
import { launchStep, type StepExit } from './launch.js';
import type { FrameState, RunContext, Scope } from './run-context.js';
import type { StepResult } from './step-protocol.js';
import { buildStepRequest, makeAttemptDirs, readCommandOutputs } from './step-request.js';
import { artifactValue, cacheIdentity } from './values.js';

type Outputs = Record<string, JsonValue>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs one component task to the end and returns its outputs, or undefined when it failed (then the frame is
 * failed). A task already succeeded or cached in the store is not run again; a cache hit records the producing run.
 */
export async function runComponentTask(
  ctx: RunContext,
  task: ComponentTaskSpec,
  scope: Scope,
  frame: FrameState,
): Promise<Outputs | undefined> {
  const path = scope.prefix + task.name;
  const record = await ctx.runs.ensureTask(ctx.runId, path, 'component');
  if ((record.status === 'succeeded' || record.status === 'cached') && record.outputs) return record.outputs;
  const component = ctx.spec.components[task.component]!;
  let inputs: Outputs;
  try {
    inputs = {};
    for (const [name, binding] of Object.entries(task.inputs))
      inputs[name] = await resolveBinding(binding, scope, ctx.artifacts);
  } catch (error) {
    return failTask(ctx, record, frame, `cannot resolve its inputs: ${errorMessage(error)}`);
  }
  await ctx.tracking.startStep(ctx.run, record, component, inputs);
  const key = cacheKey(component, Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, cacheIdentity(v)])));
  if (task.cache && ctx.run.useCache) {
    const hit = await ctx.runs.getCacheEntry(key);
    if (hit) {
      const producer = await ctx.tracking.producerOf(hit.runId, hit.taskPath);
      await ctx.tracking.finishStep(record, {
        status: 'cached',
        outputs: hit.outputs,
        metrics: producer ? await ctx.tracking.metricsOf(producer) : [],
        cacheKey: key,
        cachedFromRunId: producer ?? hit.runId,
      });
      await ctx.runs.updateTask(record.id, {
        status: 'cached',
        outputs: hit.outputs,
        cacheKey: key,
        cachedFromRunId: hit.runId,
      });
      return hit.outputs;
    }
  }
  let lastError = '';
  for (let attempt = 1; attempt <= task.retry.attempts; attempt++) {
    if (attempt > 1) {
      const { backoffMs, factor, maxBackoffMs } = task.retry;
      await sleep(Math.min(backoffMs * factor ** (attempt - 2), maxBackoffMs));
    }
    if (ctx.cancelled.aborted) break;
    const outcome = await ctx.slots.use(() => runAttempt(ctx, task, component, record, inputs));
    if ('outputs' in outcome) {
      try {
        await ctx.tracking.finishStep(record, { status: 'succeeded', ...outcome, cacheKey: key });
        if (ctx.sideEffects) await ctx.tracking.register(record.id, outcome.registrations, inputs, outcome.outputs);
      } catch (error) {
        lastError = `its results could not be recorded: ${errorMessage(error)}`;
        break;
      }
      await ctx.runs.updateTask(record.id, {
        status: 'succeeded',
        outputs: outcome.outputs,
        cacheKey: key,
        error: null,
      });
      if (task.cache)
        await ctx.runs.putCacheEntry({ cacheKey: key, outputs: outcome.outputs, runId: ctx.runId, taskPath: path });
      return outcome.outputs;
    }
    lastError = outcome.error;
  }
  if (ctx.cancelled.aborted) {
    await ctx.tracking.finishStep(record, { status: 'cancelled' });
    await ctx.runs.updateTask(record.id, { status: 'cancelled', error: 'the run was cancelled' });
    frame.fail(record.path);
    return undefined;
  }
  return failTask(ctx, record, frame, `failed after ${task.retry.attempts} attempt(s): ${lastError}`);
}

async function failTask(ctx: RunContext, record: PipelineTaskRecord, frame: FrameState, error: string) {
  await ctx.tracking.finishStep(record, { status: 'failed' }).catch(() => {});
  await ctx.runs.updateTask(record.id, { status: 'failed', error });
  frame.fail(record.path);
  return undefined;
}

/** One attempt in its own process; the attempt is recorded before the process starts and when it ends. */
async function runAttempt(
  ctx: RunContext,
  task: ComponentTaskSpec,
  component: ComponentSpec,
  record: PipelineTaskRecord,
  inputs: Outputs,
): Promise<AttemptSuccess | { error: string }> {
  const dirs = await makeAttemptDirs(join(ctx.workRoot, ctx.runId, record.path.replaceAll('/', '.'), newId()));
  const image = component.implementation.image ?? null;
  const started = await ctx.runs.startAttempt(record.id, { logPath: dirs.log, image });
  let exit: StepExit | undefined;
  let error: string | null = null;
  let result: AttemptSuccess | undefined;
  try {
    const request = await buildStepRequest({
      artifacts: ctx.artifacts,
      component,
      inputs,
      dirs,
      baseDir: ctx.baseDir,
      run: { id: ctx.runId, pipeline: ctx.spec.name },
      task: { name: record.path, attempt: started.number, seed: stepSeed(ctx.run.seed, record.path) },
    });
    await writeFile(dirs.request, JSON.stringify(request));
    const limits = { logPath: dirs.log, timeoutMs: task.timeoutMs, signal: ctx.cancelled };
    exit = ctx.engine
      ? await launchContainerStep(
          {
            engine: ctx.engine,
            image: image ?? '',
            name: `osprey-step-${started.id}`,
            // Same paths inside: the request's paths stay valid; the code is read-only.
            mounts: [
              { path: dirs.root, readOnly: false },
              { path: ctx.baseDir, readOnly: true },
            ],
            workDir: dirs.work,
            argv: request.kind === 'function' ? ['osprey', 'step', '--request', dirs.request] : request.argv,
            env: request.kind === 'command' ? request.env : {},
          },
          limits,
        )
      : ctx.workers
        ? await ctx.workers.run({ requestPath: dirs.request, cwd: dirs.work, ...limits })
        : await launchStep({
            requestPath: dirs.request,
            module: request.kind === 'function' ? request.module : null,
            cwd: dirs.work,
            ...limits,
          });
    error = ctx.cancelled.aborted ? 'the run was cancelled' : exitProblem(exit, task.timeoutMs);
    if (error === null) result = await collectOutputs(ctx, component, dirs);
  } catch (e) {
    error = errorMessage(e);
  }
  await ctx.runs.finishAttempt(started.id, {
    status: error === null ? 'succeeded' : ctx.cancelled.aborted ? 'cancelled' : 'failed',
    exitCode: exit?.exitCode ?? null,
    signal: exit?.signal ?? null,
    durationMs: exit?.durationMs ?? 0,
    error,
  });
  return result && error === null ? result : { error: error ?? 'no outputs' };
}

interface AttemptSuccess {
  outputs: Outputs;
  metrics: StepResult['metrics'];
  registrations: StepResult['registrations'];
}

/** A 31-bit seed for one task: SHA-256 of the run's seed and the task's path. */
export function stepSeed(runSeed: number, path: string): number {
  return createHash('sha256').update(`${runSeed}:${path}`).digest().readUInt32BE(0) >>> 1;
}

function exitProblem(exit: StepExit, timeoutMs: number | null): string | null {
  if (exit.timedOut) return `timed out after ${timeoutMs} ms and was killed`;
  if (exit.signal) return `killed by ${exit.signal}`;
  if (exit.exitCode !== 0) return `exited with code ${exit.exitCode ?? 'unknown'} (see its log)`;
  return null;
}

/** Parameter outputs (returned or written), checked against their types; artifact outputs stored by content. */
async function collectOutputs(
  ctx: RunContext,
  component: ComponentSpec,
  dirs: Awaited<ReturnType<typeof makeAttemptDirs>>,
): Promise<AttemptSuccess> {
  let params: Outputs;
  let metadata: StepResult['metadata'] = {};
  let metrics: StepResult['metrics'] = [];
  let registrations: StepResult['registrations'] = [];
  if (component.implementation.kind === 'function') {
    const result = JSON.parse(await readFile(dirs.result, 'utf8')) as StepResult;
    ({ metadata, metrics, registrations } = result);
    params = result.outputs;
  } else params = await readCommandOutputs(component, dirs);
  const outputs: Outputs = {};
  for (const [name, o] of Object.entries(component.outputs)) {
    if (isArtifactType(o.type)) {
      const ref = await storeOutput(ctx.artifacts, join(dirs.outputs, name), o.type, metadata[name] ?? {});
      outputs[name] = artifactValue(ref);
      continue;
    }
    const value = params[name];
    const problem = value === undefined ? 'was not returned' : valueProblem(o.type, value);
    if (problem !== null) throw new Error(`output '${name}' ${problem}`);
    outputs[name] = value!;
  }
  return { outputs, metrics, registrations };
}
