import { randomInt } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { errorMessage, invalidArgument, notFound } from '../../core/errors.js';
import { newId } from '../../core/ids.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import type { JsonObject, MetadataStore } from '../../store/metadata-store.js';
import type { PipelineRunner, PipelineRunRecord, PipelineStatus } from '../../store/pipelines.js';
import { specDigest } from '../spec/digest.js';
import { resolveParams } from '../spec/params.js';
import { parseSpec } from '../spec/schema.js';
import type { ArtifactType, JsonValue, PipelineSpec, ValueType } from '../spec/types.js';
import { isArtifactType, listItemType } from '../spec/value-types.js';
import { keyArtifact, storeOutput } from './artifact-files.js';
import { type ContainerEngine, detectContainerEngine } from './container.js';
import { environmentFingerprint } from './environment.js';
import { runDefinition } from './frame.js';
import { compareRuns, type ReproductionReport } from './reproduce.js';
import { RunTracking } from './run-tracking.js';
import { Semaphore } from './semaphore.js';
import { StepWorkers } from './step-workers.js';
import { artifactValue } from './values.js';

export interface ExecutorOptions {
  store: MetadataStore;
  artifacts: ArtifactStore;
  /** Step directories (inputs, outputs, work dir, logs) are created under `<workRoot>/<runId>/`. */
  workRoot: string;
  /** Step processes running at once across the run (default 4). */
  parallelism?: number;
  /** How often a running orchestrator looks for a cancellation recorded by another process (default 500 ms). */
  cancelPollMs?: number;
  /**
   * Hand steps to reused processes (see StepWorkers) instead of starting a process per step: far less overhead for
   * fine-grained pipelines, at the price of steps of a run sharing a process's module cache and globals.
   * The process runner only. Default false.
   */
  reuseProcesses?: boolean;
}

const RESUMABLE: readonly PipelineStatus[] = ['pending', 'running'];
const RETRYABLE: readonly PipelineStatus[] = ['failed', 'cancelled'];

/**
 * The durable orchestrator. Every transition is written to the metadata store before it is acted on, so
 * `resume(runId)` after the orchestrator died replays the graph: tasks recorded as succeeded or cached keep
 * their outputs and never run again; a step that was running is retried (its attempt is marked failed).
 */
export class PipelineExecutor {
  constructor(private readonly options: ExecutorOptions) {}

  /** Records a new run (parameters checked and artifact references resolved first) and returns its id. */
  async create(
    spec: PipelineSpec,
    given: Record<string, unknown>,
    baseDir: string,
    options: { runId?: string; seed?: number; useCache?: boolean; runner?: PipelineRunner } = {},
  ): Promise<string> {
    const { runId } = options;
    // A caller-chosen id makes creation idempotent (a trigger event starts one run, however often it is retried).
    if (runId && (await this.options.store.pipelines.getRun(runId))) return runId;
    const verified = parseSpec(spec);
    if (options.runner === 'container') {
      const imageless = Object.values(verified.components).filter((c) => !c.implementation.image);
      if (imageless.length > 0)
        throw invalidArgument(
          `the container runner runs each step in its image, and ${imageless.map((c) => `'${c.name}'`).join(', ')} ` +
            'declare(s) none: give them one (component({ image }))',
        );
      await detectContainerEngine();
    }
    const params = resolveParams(verified, given);
    for (const [name, param] of Object.entries(verified.params)) {
      params[name] = await this.#resolveArtifactParam(name, param.type, params[name]!);
    }
    const id = runId ?? newId();
    await this.options.store.pipelines.createRun({
      id,
      pipelineName: verified.name,
      specDigest: specDigest(verified),
      spec: verified as unknown as JsonObject,
      params: params as JsonObject,
      baseDir: resolve(baseDir),
      environment: await environmentFingerprint(),
      seed: options.seed ?? randomInt(2 ** 31),
      useCache: options.useCache ?? true,
      runner: options.runner ?? 'process',
    });
    return id;
  }

  /** Creates a run and executes it to the end. */
  async run(spec: PipelineSpec, given: Record<string, unknown>, baseDir: string): Promise<PipelineRunRecord> {
    return this.resume(await this.create(spec, given, baseDir));
  }

  /**
   * Executes (or continues) a recorded run to the end: a new run, or one whose orchestrator stopped. A finished
   * successful run is returned as is; a failed or cancelled one is refused (that is `retry`).
   */
  async resume(runId: string): Promise<PipelineRunRecord> {
    const run = await this.#run(runId);
    if (run.status === 'succeeded') return run;
    if (!RESUMABLE.includes(run.status))
      throw invalidArgument(`run ${runId} is ${run.status}: retry it to run its failed steps again`);
    return this.#execute(run);
  }

  /** Runs a failed or cancelled run again from its failed steps; completed steps keep their outputs. */
  async retry(runId: string): Promise<PipelineRunRecord> {
    const run = await this.#run(runId);
    if (!RETRYABLE.includes(run.status))
      throw invalidArgument(`run ${runId} is ${run.status}: only a failed or cancelled run can be retried`);
    return this.#execute(run);
  }

  /**
   * Re-runs a succeeded run with its recorded spec (the code digests it was compiled with), parameters (the exact
   * dataset versions and artifact digests) and seed, without the cache and without registering models, and
   * reports step by step whether each output's content digest and each metric came out identical.
   */
  async reproduce(runId: string): Promise<ReproductionReport> {
    const original = await this.#run(runId);
    if (original.status !== 'succeeded')
      throw invalidArgument(`run ${runId} is ${original.status}: only a succeeded run can be reproduced`);
    const created = await this.options.store.pipelines.createRun({
      id: newId(),
      pipelineName: original.pipelineName,
      specDigest: original.specDigest,
      spec: original.spec,
      params: original.params,
      baseDir: original.baseDir,
      environment: await environmentFingerprint(),
      seed: original.seed,
      useCache: false,
      reproducesRunId: original.id,
      runner: original.runner,
    });
    await this.#execute(created);
    return compareRuns(this.options.store, original.id, created.id);
  }

  /**
   * Records the cancellation of a pending or running run. The orchestrator running it (in this process or
   * another) notices, kills the running steps and starts no new ones; a run nobody executes is just marked.
   */
  async cancel(runId: string): Promise<PipelineRunRecord> {
    const run = await this.#run(runId);
    if (!RESUMABLE.includes(run.status)) throw invalidArgument(`run ${runId} is ${run.status}: nothing to cancel`);
    return this.options.store.pipelines.setRunStatus(runId, 'cancelled', 'cancelled by request');
  }

  async #run(runId: string): Promise<PipelineRunRecord> {
    const run = await this.options.store.pipelines.getRun(runId);
    if (!run) throw notFound(`no pipeline run ${JSON.stringify(runId)}`);
    return run;
  }

  async #execute(run: PipelineRunRecord): Promise<PipelineRunRecord> {
    const runs = this.options.store.pipelines;
    const runId = run.id;
    let engine: ContainerEngine | null = null;
    if (run.runner === 'container') {
      try {
        engine = await detectContainerEngine();
      } catch (error) {
        return runs.setRunStatus(runId, 'failed', errorMessage(error));
      }
    }
    await runs.abandonRunningAttempts(runId, 'the orchestrator stopped during this attempt');
    const started = await runs.setRunStatus(runId, 'running', null);
    const tracking = new RunTracking(this.options.store, this.options.artifacts);
    await tracking.startRun(started);
    const cancellation = new AbortController();
    const poll = setInterval(() => {
      runs.getRun(runId).then(
        (r) => r?.status === 'cancelled' && cancellation.abort(),
        () => {},
      );
    }, this.options.cancelPollMs ?? 500);
    const spec = parseSpec(run.spec);
    const workers =
      engine === null && this.options.reuseProcesses
        ? new StepWorkers(
            Object.values(spec.components).map((c) =>
              c.implementation.kind === 'function' ? c.implementation.module : null,
            ),
          )
        : null;
    const ctx = {
      runId,
      run: started,
      spec,
      runs,
      artifacts: this.options.artifacts,
      workRoot: this.options.workRoot,
      baseDir: run.baseDir,
      slots: new Semaphore(this.options.parallelism ?? 4),
      tracking,
      engine,
      workers,
      cancelled: cancellation.signal,
      // A reproduction re-runs steps to compare their results; it does not register models again.
      sideEffects: run.reproducesRunId === null,
    };
    let frame: Awaited<ReturnType<typeof runDefinition>>['frame'];
    try {
      ({ frame } = await runDefinition(ctx, spec, run.params as Record<string, JsonValue>, ''));
    } finally {
      clearInterval(poll);
      workers?.close();
    }
    const cancelled = cancellation.signal.aborted || (await runs.getRun(runId))?.status === 'cancelled';
    const [status, error] = cancelled
      ? (['cancelled', 'cancelled by request'] as const)
      : frame.failed
        ? (['failed', `failed tasks: ${frame.failedTasks.join(', ')}`] as const)
        : (['succeeded', null] as const);
    const finished = await runs.setRunStatus(runId, status, error);
    await tracking.finishRun(runId, status);
    return finished;
  }

  /** An artifact parameter's reference (a local path, or a dataset `name[@version]`) → an artifact value. */
  async #resolveArtifactParam(name: string, type: ValueType, value: JsonValue): Promise<JsonValue> {
    const item = listItemType(type);
    if (item !== null && Array.isArray(value))
      return Promise.all(value.map((v) => this.#resolveArtifactParam(name, item, v)));
    if (!isArtifactType(type) || typeof value !== 'string') return value;
    if (value.startsWith('models:/')) return this.#modelVersionArtifact(name, type, value);
    const path = resolve(value);
    if (await stat(path).catch(() => undefined))
      return artifactValue(await storeOutput(this.options.artifacts, path, type, { source: path }));
    const [dataset, version] = value.split('@') as [string, string | undefined];
    const datasets = this.options.store.datasets;
    const found = version
      ? await datasets.getVersion(dataset, Number(version))
      : (await datasets.listVersions(dataset)).at(-1);
    if (!found) throw invalidArgument(`${name}: ${JSON.stringify(value)} is neither a file nor a dataset version`);
    const metadata = { dataset: dataset, version: found.version };
    return artifactValue({ type, digest: found.digest, kind: found.kind, metadata });
  }

  /** `models:/NAME/VERSION` or `models:/NAME@ALIAS` → the registered version's artifacts (e.g. the champion). */
  async #modelVersionArtifact(name: string, type: ValueType & string, reference: string): Promise<JsonValue> {
    const registry = new ModelRegistry(this.options.store.registry);
    let version: Awaited<ReturnType<ModelRegistry['resolve']>>;
    try {
      version = await registry.resolve(reference.slice('models:/'.length));
    } catch (error) {
      throw invalidArgument(`${name}: ${JSON.stringify(reference)} names no model version (${errorMessage(error)})`);
    }
    const key = /^mlflow-artifacts:\/(.+)$/.exec(version.storageLocation)?.[1];
    if (!key) throw invalidArgument(`${name}: ${reference} is stored outside the artifact store`);
    const metadata = { model: version.name, version: version.version };
    return artifactValue(await keyArtifact(this.options.artifacts, key, type as ArtifactType, metadata));
  }
}
