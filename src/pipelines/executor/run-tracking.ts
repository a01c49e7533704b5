import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { isOspreyError } from '../../core/errors.js';
import { nowMillis } from '../../core/time.js';
import { ModelRegistry } from '../../registry/model-registry.js';
import { trackingRunLookup } from '../../registry/sources.js';
import { DeploymentService } from '../../serving/traffic/deployment-service.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import type { PipelineRunRecord, PipelineStatus, PipelineTaskRecord } from '../../store/pipelines.js';
import { DATASET_CONTEXT_TAG, type Metric, type RunStatus, type Tag } from '../../store/tracking.js';
import { TrackingService } from '../../tracking/service.js';
import { LIMITS } from '../../tracking/validation.js';
import type { ComponentSpec, JsonValue } from '../spec/types.js';
import { manifestFiles } from './artifact-files.js';
import { deployedTag, deployRegistered } from './model-deployment.js';
import type { StepDeployment, StepRegistration, StepResult } from './step-protocol.js';
import { PIPELINE_TAGS } from './tracking-tags.js';
import { type ArtifactRef, asArtifact } from './values.js';

const RUN_STATUS: Partial<Record<PipelineStatus, RunStatus>> = {
  running: 'RUNNING',
  succeeded: 'FINISHED',
  cached: 'FINISHED',
  failed: 'FAILED',
  cancelled: 'KILLED',
};

type Values = Record<string, JsonValue>;

/**
 * Every pipeline run and every component step is an MLflow-compatible tracking run: the pipeline run's tracking
 * run has the pipeline run's id, each step's has its task's id (a child run, `mlflow.parentRunId`), so records
 * and tracking runs find each other without a mapping table, and a resumed run keeps its tracking runs.
 * Parameters are the inputs (JSON, cut to MLflow's 6,000 characters — the full values stay on the task record),
 * dataset inputs are linked to their Osprey dataset versions, artifact outputs are linked (not copied) under the
 * run's artifact root at `outputs/<name>`, and metrics are what the step logged.
 */
export class RunTracking {
  readonly #tracking: TrackingService;
  readonly #registry: ModelRegistry;
  readonly #deployments: DeploymentService;
  readonly #experiments = new Map<string, Promise<string>>();
  /** Tasks of the runs that served cache hits, by path; read again when a path is missing (a run still going). */
  readonly #producers = new Map<string, Promise<Map<string, string>>>();

  constructor(
    private readonly store: MetadataStore,
    private readonly artifacts: ArtifactStore,
  ) {
    this.#tracking = new TrackingService(store.tracking, store.datasets);
    this.#registry = new ModelRegistry(store.registry, trackingRunLookup(store.tracking));
    this.#deployments = new DeploymentService(store, this.#registry);
  }

  /** Creates the pipeline run's tracking run (once) and marks it running. */
  async startRun(run: PipelineRunRecord): Promise<void> {
    if (await this.#tracking.repository.getRun(run.id)) {
      await this.#tracking.updateRun(run.id, { status: 'RUNNING' });
      return;
    }
    await this.#tracking.createRun({
      runId: run.id,
      experimentId: await this.#experiment(run.pipelineName),
      runName: `${run.pipelineName}-${run.id.slice(0, 8)}`,
      startTime: run.createdAt,
      tags: [
        { key: PIPELINE_TAGS.runId, value: run.id },
        { key: PIPELINE_TAGS.name, value: run.pipelineName },
        { key: PIPELINE_TAGS.specDigest, value: run.specDigest },
        { key: 'mlflow.source.type', value: 'JOB' },
        { key: 'mlflow.source.name', value: run.baseDir },
        ...(run.reproducesRunId ? [{ key: PIPELINE_TAGS.reproduces, value: run.reproducesRunId }] : []),
      ],
    });
    await this.#logValues(run.id, run.params as Values);
  }

  async finishRun(runId: string, status: PipelineStatus): Promise<void> {
    await this.#tracking.updateRun(runId, { status: RUN_STATUS[status] ?? 'FAILED', endTime: nowMillis() });
  }

  /** Creates the step's child tracking run (once): its inputs as parameters and dataset inputs. */
  async startStep(run: PipelineRunRecord, task: PipelineTaskRecord, component: ComponentSpec, inputs: Values) {
    if (await this.#tracking.repository.getRun(task.id)) return;
    const tags: Tag[] = [
      { key: PIPELINE_TAGS.parent, value: run.id },
      { key: PIPELINE_TAGS.runId, value: run.id },
      { key: PIPELINE_TAGS.name, value: run.pipelineName },
      { key: PIPELINE_TAGS.task, value: task.path },
      { key: PIPELINE_TAGS.component, value: component.name },
      { key: PIPELINE_TAGS.componentDigest, value: component.digest },
    ];
    if (component.implementation.image) tags.push({ key: PIPELINE_TAGS.image, value: component.implementation.image });
    await this.#tracking.createRun({
      runId: task.id,
      experimentId: await this.#experiment(run.pipelineName),
      runName: task.path,
      tags,
    });
    await this.#logValues(task.id, inputs);
  }

  /**
   * Finishes a step's tracking run: the metrics it logged, its outputs (parameters as `osprey.output.<name>` tags,
   * artifacts linked under `outputs/<name>`), the cache key or the run a cached result came from, and its status.
   */
  async finishStep(
    task: PipelineTaskRecord,
    end: {
      status: PipelineStatus;
      outputs?: Values;
      metrics?: StepResult['metrics'];
      cacheKey?: string;
      cachedFromRunId?: string;
    },
  ): Promise<void> {
    const now = nowMillis();
    const metrics: Metric[] = (end.metrics ?? []).map((m) => ({
      key: m.name,
      value: m.value,
      step: m.step ?? 0,
      timestamp: now,
    }));
    const tags: Tag[] = [];
    if (end.cacheKey) tags.push({ key: PIPELINE_TAGS.cacheKey, value: end.cacheKey });
    if (end.cachedFromRunId) tags.push({ key: PIPELINE_TAGS.cachedFrom, value: end.cachedFromRunId });
    const artifactRoot = await this.#artifactRoot(task.id);
    for (const [name, value] of Object.entries(end.outputs ?? {})) {
      const ref = asArtifact(value);
      tags.push({ key: PIPELINE_TAGS.outputPrefix + name, value: ref ? `sha256:${ref.digest}` : clip(value) });
      if (ref && artifactRoot) await this.#link(`${artifactRoot}/outputs/${name}`, ref);
    }
    for (let i = 0; i < metrics.length; i += LIMITS.metricsPerBatch)
      await this.#tracking.logBatch(task.id, metrics.slice(i, i + LIMITS.metricsPerBatch), [], []);
    for (let i = 0; i < tags.length; i += LIMITS.tagsPerBatch)
      await this.#tracking.logBatch(task.id, [], [], tags.slice(i, i + LIMITS.tagsPerBatch));
    await this.#tracking.updateRun(task.id, { status: RUN_STATUS[end.status] ?? 'FAILED', endTime: now });
  }

  /** The tracking run id of the task at `path` of the finished run `runId` (its task id), if recorded. */
  async producerOf(runId: string, path: string): Promise<string | undefined> {
    const read = () => {
      const tasks = this.store.pipelines.listTasks(runId).then((list) => new Map(list.map((t) => [t.path, t.id])));
      this.#producers.set(runId, tasks);
      return tasks;
    };
    const known = (await (this.#producers.get(runId) ?? read())).get(path);
    return known ?? (await read()).get(path);
  }

  /** The latest metrics of a step's tracking run (a cache hit repeats the producing step's metrics). */
  async metricsOf(taskId: string): Promise<StepResult['metrics']> {
    const run = await this.#tracking.repository.getRun(taskId);
    return (run?.metrics ?? []).map((m) => ({ name: m.key, value: m.value, step: m.step }));
  }

  /**
   * Registers what a succeeded step asked for: each model version's source is `runs:/<step run>/<in|out>/<name>`
   * (the artifact linked there first), so the version leads back to the step, the pipeline run, its data and code.
   * Then deploys it where the step asked (`deploy`), recording `osprey.deployed.<endpoint>` on the step run.
   * Idempotent per (step run, model): a step retried after the orchestrator died does not register (or deploy) twice.
   */
  async register(
    taskId: string,
    registrations: readonly StepRegistration[],
    inputs: Values,
    outputs: Values,
  ): Promise<{ model: string; version: string }[]> {
    const registered: { model: string; version: string }[] = [];
    for (const r of registrations) {
      const [kind, name, value] =
        'input' in r.from
          ? ['inputs', r.from.input, inputs[r.from.input]]
          : ['outputs', r.from.output, outputs[r.from.output]];
      const ref = asArtifact(value ?? null);
      if (!ref) throw new Error(`registerModel ${r.model}: ${kind.slice(0, -1)} '${name}' is not an artifact`);
      const root = await this.#artifactRoot(taskId);
      if (!root) throw new Error(`registerModel ${r.model}: the step's run keeps its artifacts outside the store`);
      await this.#link(`${root}/${kind}/${name}`, ref);
      const existing = await this.#registry.searchVersions({
        filter: `name = '${r.model.replaceAll("'", "\\'")}' and run_id = '${taskId}'`,
        maxResults: 1,
      });
      let version = existing.items[0];
      if (!version) {
        await this.#registry.getModel(r.model).catch(async (error) => {
          if (!isOspreyError(error) || error.code !== 'NOT_FOUND') throw error;
          await this.#registry.createModel(r.model, '', []).catch((e) => {
            if (!isOspreyError(e) || e.code !== 'ALREADY_EXISTS') throw e;
          });
        });
        version = await this.#registry.createVersion({
          name: r.model,
          source: `runs:/${taskId}/${kind}/${name}`,
          runId: taskId,
          runLink: '',
          description: r.description,
          tags: [
            ...Object.entries(r.tags).map(([key, v]) => ({ key, value: v })),
            { key: 'osprey.artifact.digest', value: ref.digest },
          ],
          userId: null,
        });
      }
      if (r.alias) await this.#registry.setAlias(r.model, r.alias, version.version);
      await this.#tracking.setTag(taskId, { key: `osprey.registered.${r.model}`, value: String(version.version) });
      if (r.deploy) await this.#deploy(taskId, r.model, String(version.version), r.deploy);
      registered.push({ model: r.model, version: String(version.version) });
    }
    return registered;
  }

  /** Deploys a registered version once per step run: the tag, written after the deployment, says it is done. */
  async #deploy(taskId: string, model: string, version: string, request: StepDeployment): Promise<void> {
    const key = deployedTag(request.endpoint);
    if ((await this.#tracking.getRun(taskId)).tags.some((t) => t.key === key)) return;
    const value = await deployRegistered(this.#deployments, this.store.deployments, model, version, request);
    await this.#tracking.setTag(taskId, { key, value });
  }

  /** Parameters (plain values as JSON, artifacts as their dataset version or digest) and dataset inputs. */
  async #logValues(runId: string, values: Values): Promise<void> {
    const params: Tag[] = [];
    const datasets: { name: string; ref: ArtifactRef }[] = [];
    for (const [name, value] of Object.entries(values)) {
      const ref = asArtifact(value);
      params.push({ key: name, value: ref ? describeArtifact(ref) : clip(value, LIMITS.paramValueLength) });
      if (ref && ref.type === 'Dataset') datasets.push({ name, ref });
    }
    for (let i = 0; i < params.length; i += LIMITS.paramsPerBatch)
      await this.#tracking.logBatch(runId, [], params.slice(i, i + LIMITS.paramsPerBatch), []);
    if (datasets.length === 0) return;
    await this.#tracking.logInputs(
      runId,
      datasets.map(({ name, ref }) => ({
        dataset: {
          name: typeof ref.metadata.dataset === 'string' ? ref.metadata.dataset : name,
          digest: ref.digest,
          sourceType: 'osprey',
          source: describeArtifact(ref),
          schema: null,
          profile: null,
        },
        tags: [{ key: DATASET_CONTEXT_TAG, value: name }],
      })),
    );
  }

  /** The experiment named after the pipeline, created on first use. */
  #experiment(pipeline: string): Promise<string> {
    let id = this.#experiments.get(pipeline);
    if (!id) {
      id = this.#tracking.repository.getExperimentByName(pipeline).then(async (found) => {
        if (found) return found.experimentId;
        try {
          return await this.#tracking.createExperiment(pipeline, undefined, [
            { key: 'osprey.pipeline.name', value: pipeline },
          ]);
        } catch (error) {
          const raced = await this.#tracking.repository.getExperimentByName(pipeline);
          if (raced) return raced.experimentId;
          throw error;
        }
      });
      id.catch(() => this.#experiments.delete(pipeline));
      this.#experiments.set(pipeline, id);
    }
    return id;
  }

  /** The run's key in the artifact store, or null when its artifacts live elsewhere. */
  async #artifactRoot(runId: string): Promise<string | null> {
    const run = await this.#tracking.getRun(runId);
    return /^mlflow-artifacts:\/(?!\/)(.+)$/.exec(run.info.artifactUri)?.[1] ?? null;
  }

  /** Links an artifact's content under `key` (a directory: each of its files under `key/<path>`). */
  async #link(key: string, ref: ArtifactRef): Promise<void> {
    if (ref.kind === 'file') {
      await this.artifacts.link(key, ref.digest);
      return;
    }
    for (const file of await manifestFiles(this.artifacts, ref.digest))
      await this.artifacts.link(`${key}/${file.path}`, file.digest);
  }
}

function describeArtifact(ref: ArtifactRef): string {
  const { dataset, model, version } = ref.metadata;
  if (typeof dataset === 'string' && typeof version === 'number') return `${dataset}@${version}`;
  if (typeof model === 'string' && typeof version === 'number') return `models:/${model}/${version}`;
  return `${ref.type}:sha256:${ref.digest}`;
}

/** A value as text for a parameter or tag, cut (with a mark) to MLflow's limit. */
function clip(value: JsonValue, limit: number = LIMITS.tagValueLength): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}
