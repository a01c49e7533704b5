import { expectOk, type Query, type Transport } from './transport.js';
import type {
  DatasetInput,
  Experiment,
  FileInfo,
  KeyValue,
  Metric,
  ModelStage,
  ModelVersion,
  Page,
  RegisteredModel,
  Run,
  RunStatus,
  SearchOptions,
  ViewType,
} from './types.js';

const API = '/api/2.0/mlflow';

/**
 * A typed client of the MLflow REST API as Osprey serves it (tracking, registry, artifacts). Every method is one
 * request; errors arrive as OspreyError with the code the server's MLflow error maps to.
 */
export class MlflowClient {
  constructor(private readonly transport: Transport) {}

  private async get<T>(path: string, query: Query = {}): Promise<T> {
    return expectOk<T>(await this.transport.request('GET', `${API}/${path}`, { query }), path);
  }

  private async post<T>(path: string, body: object, method = 'POST'): Promise<T> {
    return expectOk<T>(await this.transport.request(method, `${API}/${path}`, { body }), path);
  }

  // Experiments
  async createExperiment(
    name: string,
    options: { artifactLocation?: string; tags?: KeyValue[] } = {},
  ): Promise<string> {
    const body = { name, artifact_location: options.artifactLocation, tags: options.tags };
    return (await this.post<{ experiment_id: string }>('experiments/create', body)).experiment_id;
  }
  async getExperiment(experimentId: string): Promise<Experiment> {
    return (await this.get<{ experiment: Experiment }>('experiments/get', { experiment_id: experimentId })).experiment;
  }
  async getExperimentByName(name: string): Promise<Experiment> {
    return (await this.get<{ experiment: Experiment }>('experiments/get-by-name', { experiment_name: name }))
      .experiment;
  }
  async searchExperiments(options: SearchOptions & { viewType?: ViewType } = {}): Promise<Page<Experiment>> {
    const r = await this.post<{ experiments?: Experiment[]; next_page_token?: string }>('experiments/search', {
      ...searchBody(options),
      view_type: options.viewType,
    });
    return page(r.experiments, r.next_page_token);
  }
  async updateExperiment(experimentId: string, newName: string): Promise<void> {
    await this.post('experiments/update', { experiment_id: experimentId, new_name: newName });
  }
  async deleteExperiment(experimentId: string): Promise<void> {
    await this.post('experiments/delete', { experiment_id: experimentId });
  }
  async restoreExperiment(experimentId: string): Promise<void> {
    await this.post('experiments/restore', { experiment_id: experimentId });
  }
  async setExperimentTag(experimentId: string, key: string, value: string): Promise<void> {
    await this.post('experiments/set-experiment-tag', { experiment_id: experimentId, key, value });
  }

  // Runs
  async createRun(
    experimentId: string,
    options: { runName?: string; startTime?: number; tags?: KeyValue[]; userId?: string } = {},
  ): Promise<Run> {
    const body = {
      experiment_id: experimentId,
      run_name: options.runName,
      start_time: options.startTime ?? Date.now(),
      tags: options.tags,
      user_id: options.userId,
    };
    return (await this.post<{ run: Run }>('runs/create', body)).run;
  }
  async getRun(runId: string): Promise<Run> {
    return (await this.get<{ run: Run }>('runs/get', { run_id: runId })).run;
  }
  async updateRun(runId: string, update: { status?: RunStatus; endTime?: number; runName?: string }): Promise<void> {
    await this.post('runs/update', {
      run_id: runId,
      status: update.status,
      end_time: update.endTime,
      run_name: update.runName,
    });
  }
  async deleteRun(runId: string): Promise<void> {
    await this.post('runs/delete', { run_id: runId });
  }
  async restoreRun(runId: string): Promise<void> {
    await this.post('runs/restore', { run_id: runId });
  }
  async searchRuns(experimentIds: string[], options: SearchOptions & { viewType?: ViewType } = {}): Promise<Page<Run>> {
    const r = await this.post<{ runs?: Run[]; next_page_token?: string }>('runs/search', {
      experiment_ids: experimentIds,
      ...searchBody(options),
      run_view_type: options.viewType,
    });
    return page(r.runs, r.next_page_token);
  }
  async logMetric(runId: string, metric: Metric): Promise<void> {
    await this.post('runs/log-metric', { run_id: runId, ...metric });
  }
  async logParam(runId: string, key: string, value: string): Promise<void> {
    await this.post('runs/log-parameter', { run_id: runId, key, value });
  }
  async logBatch(runId: string, batch: { metrics?: Metric[]; params?: KeyValue[]; tags?: KeyValue[] }): Promise<void> {
    await this.post('runs/log-batch', { run_id: runId, ...batch });
  }
  async setTag(runId: string, key: string, value: string): Promise<void> {
    await this.post('runs/set-tag', { run_id: runId, key, value });
  }
  async deleteTag(runId: string, key: string): Promise<void> {
    await this.post('runs/delete-tag', { run_id: runId, key });
  }
  async logInputs(runId: string, datasets: DatasetInput[]): Promise<void> {
    await this.post('runs/log-inputs', { run_id: runId, datasets });
  }

  /** Every point of a metric, page by page, without holding the history in memory. */
  async *metricHistory(runId: string, key: string, pageSize = 25_000): AsyncGenerator<Metric> {
    let pageToken: string | undefined;
    do {
      const r = await this.get<{ metrics?: Metric[]; next_page_token?: string }>('metrics/get-history', {
        run_id: runId,
        metric_key: key,
        max_results: pageSize,
        page_token: pageToken,
      });
      yield* r.metrics ?? [];
      pageToken = r.next_page_token || undefined;
    } while (pageToken);
  }

  // Artifacts (through the server's proxy)
  async uploadArtifact(artifactPath: string, bytes: Uint8Array): Promise<void> {
    const reply = await this.transport.request(
      'PUT',
      `/api/2.0/mlflow-artifacts/artifacts/${encodePath(artifactPath)}`,
      {
        raw: bytes,
      },
    );
    expectOk(reply, 'upload artifact');
  }
  async downloadArtifact(artifactPath: string): Promise<Uint8Array> {
    const reply = await this.transport.request(
      'GET',
      `/api/2.0/mlflow-artifacts/artifacts/${encodePath(artifactPath)}`,
    );
    expectOk(reply, 'download artifact');
    return reply.bytes;
  }
  async listArtifacts(runId: string, path?: string): Promise<{ rootUri: string; files: FileInfo[] }> {
    const r = await this.get<{ root_uri?: string; files?: FileInfo[] }>('artifacts/list', { run_id: runId, path });
    return { rootUri: r.root_uri ?? '', files: r.files ?? [] };
  }

  // Registered models
  async createRegisteredModel(
    name: string,
    options: { description?: string; tags?: KeyValue[] } = {},
  ): Promise<RegisteredModel> {
    return (await this.post<{ registered_model: RegisteredModel }>('registered-models/create', { name, ...options }))
      .registered_model;
  }
  async getRegisteredModel(name: string): Promise<RegisteredModel> {
    return (await this.get<{ registered_model: RegisteredModel }>('registered-models/get', { name })).registered_model;
  }
  async searchRegisteredModels(options: SearchOptions = {}): Promise<Page<RegisteredModel>> {
    const r = await this.get<{ registered_models?: RegisteredModel[]; next_page_token?: string }>(
      'registered-models/search',
      searchQuery(options),
    );
    return page(r.registered_models, r.next_page_token);
  }
  async renameRegisteredModel(name: string, newName: string): Promise<RegisteredModel> {
    return (
      await this.post<{ registered_model: RegisteredModel }>('registered-models/rename', { name, new_name: newName })
    ).registered_model;
  }
  async updateRegisteredModel(name: string, description: string): Promise<RegisteredModel> {
    const r = await this.post<{ registered_model: RegisteredModel }>(
      'registered-models/update',
      { name, description },
      'PATCH',
    );
    return r.registered_model;
  }
  async deleteRegisteredModel(name: string): Promise<void> {
    await this.post('registered-models/delete', { name }, 'DELETE');
  }
  async setRegisteredModelTag(name: string, key: string, value: string): Promise<void> {
    await this.post('registered-models/set-tag', { name, key, value });
  }
  async deleteRegisteredModelTag(name: string, key: string): Promise<void> {
    await this.post('registered-models/delete-tag', { name, key }, 'DELETE');
  }
  async getLatestVersions(name: string, stages: string[] = []): Promise<ModelVersion[]> {
    const r = await this.post<{ model_versions?: ModelVersion[] }>('registered-models/get-latest-versions', {
      name,
      stages,
    });
    return r.model_versions ?? [];
  }
  async setModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.post('registered-models/alias', { name, alias, version });
  }
  async deleteModelAlias(name: string, alias: string): Promise<void> {
    await this.post('registered-models/alias', { name, alias }, 'DELETE');
  }
  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion> {
    return (await this.get<{ model_version: ModelVersion }>('registered-models/alias', { name, alias })).model_version;
  }

  // Model versions
  async createModelVersion(
    name: string,
    source: string,
    options: { runId?: string; description?: string; tags?: KeyValue[] } = {},
  ): Promise<ModelVersion> {
    const body = { name, source, run_id: options.runId, description: options.description, tags: options.tags };
    return (await this.post<{ model_version: ModelVersion }>('model-versions/create', body)).model_version;
  }
  async getModelVersion(name: string, version: string): Promise<ModelVersion> {
    return (await this.get<{ model_version: ModelVersion }>('model-versions/get', { name, version })).model_version;
  }
  async searchModelVersions(options: SearchOptions = {}): Promise<Page<ModelVersion>> {
    const r = await this.get<{ model_versions?: ModelVersion[]; next_page_token?: string }>(
      'model-versions/search',
      searchQuery(options),
    );
    return page(r.model_versions, r.next_page_token);
  }
  async updateModelVersion(name: string, version: string, description: string): Promise<ModelVersion> {
    const r = await this.post<{ model_version: ModelVersion }>(
      'model-versions/update',
      { name, version, description },
      'PATCH',
    );
    return r.model_version;
  }
  async deleteModelVersion(name: string, version: string): Promise<void> {
    await this.post('model-versions/delete', { name, version }, 'DELETE');
  }
  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.post('model-versions/set-tag', { name, version, key, value });
  }
  async deleteModelVersionTag(name: string, version: string, key: string): Promise<void> {
    await this.post('model-versions/delete-tag', { name, version, key }, 'DELETE');
  }
  async transitionModelVersionStage(name: string, version: string, stage: ModelStage, archiveExisting = false) {
    const body = { name, version, stage, archive_existing_versions: archiveExisting };
    return (await this.post<{ model_version: ModelVersion }>('model-versions/transition-stage', body)).model_version;
  }
  async getModelVersionDownloadUri(name: string, version: string): Promise<string> {
    return (await this.get<{ artifact_uri: string }>('model-versions/get-download-uri', { name, version }))
      .artifact_uri;
  }
}

function searchBody(o: SearchOptions) {
  return { filter: o.filter, order_by: o.orderBy, max_results: o.maxResults, page_token: o.pageToken };
}

function searchQuery(o: SearchOptions): Query {
  return { filter: o.filter, order_by: o.orderBy, max_results: o.maxResults, page_token: o.pageToken };
}

function page<T>(items: T[] | undefined, token: string | undefined): Page<T> {
  return token ? { items: items ?? [], nextPageToken: token } : { items: items ?? [] };
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}
