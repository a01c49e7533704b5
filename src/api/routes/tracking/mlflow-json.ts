import type {
  DatasetInputRecord,
  ExperimentRecord,
  Metric,
  MetricWithRunId,
  RunInfoRecord,
  RunRecord,
  Tag,
} from '../../../store/tracking.js';
import { doubleToJson } from '../../mlflow/fields.js';

/**
 * Records as MLflow's protobuf JSON: snake_case names in field-number order, int64 as numbers, doubles' NaN and
 * infinities as strings, unset optional fields and empty repeated fields left out (as MLflow's message_to_json).
 */

const tagJson = (tag: Tag) => ({ key: tag.key, value: tag.value });
const repeated = <K extends string, T>(name: K, items: T[]) =>
  (items.length > 0 ? { [name]: items } : {}) as Partial<Record<K, T[]>>;

export function experimentJson(e: ExperimentRecord) {
  return {
    experiment_id: e.experimentId,
    name: e.name,
    artifact_location: e.artifactLocation,
    lifecycle_stage: e.lifecycleStage,
    last_update_time: e.lastUpdateTime,
    creation_time: e.creationTime,
    ...repeated('tags', e.tags.map(tagJson)),
  };
}

export function runInfoJson(info: RunInfoRecord) {
  return {
    run_uuid: info.runId,
    experiment_id: info.experimentId,
    run_name: info.runName,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
    ...(info.endTime ? { end_time: info.endTime } : {}),
    artifact_uri: info.artifactUri,
    lifecycle_stage: info.lifecycleStage,
    run_id: info.runId,
  };
}

export function metricJson(m: Metric) {
  return { key: m.key, value: doubleToJson(m.value), timestamp: m.timestamp, step: m.step };
}

export function metricWithRunIdJson(m: MetricWithRunId) {
  return { ...metricJson(m), run_id: m.runId };
}

function datasetInputJson(input: DatasetInputRecord) {
  const { dataset } = input;
  return {
    ...repeated('tags', input.tags.map(tagJson)),
    dataset: {
      name: dataset.name,
      digest: dataset.digest,
      source_type: dataset.sourceType,
      source: dataset.source,
      ...(dataset.schema !== null ? { schema: dataset.schema } : {}),
      ...(dataset.profile !== null ? { profile: dataset.profile } : {}),
    },
  };
}

export function runJson(run: RunRecord) {
  return {
    info: runInfoJson(run.info),
    data: {
      ...repeated('metrics', run.metrics.map(metricJson)),
      ...repeated('params', run.params.map(tagJson)),
      ...repeated('tags', run.tags.map(tagJson)),
    },
    inputs: repeated('dataset_inputs', run.inputs.map(datasetInputJson)),
  };
}

/** `{ [name]: items, next_page_token }`, each left out when empty. */
export function pageJson<K extends string, T>(name: K, items: T[], nextPageToken: string | undefined) {
  return { ...repeated(name, items), ...(nextPageToken ? { next_page_token: nextPageToken } : {}) };
}
