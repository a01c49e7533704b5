import { notFound } from '../../core/errors.js';
import { formatVersionRef } from '../../data/refs.js';
import { PIPELINE_TAGS } from '../../pipelines/executor/tracking-tags.js';
import { resolveModelReference } from '../../registry/references.js';
import type { MetadataStore } from '../../store/metadata-store.js';
import { DATASET_CONTEXT_TAG, type DatasetInputRecord, type RunRecord } from '../../store/tracking.js';

/** An endpoint's champion model version and the run that produced it. */
export interface Champion {
  endpoint: string;
  model: string;
  version: number;
  /** `models:/NAME/VERSION`. */
  uri: string;
  runId: string | null;
}

/** The dataset version a champion was trained on, and where lineage found it. */
export interface ChampionData {
  champion: Champion;
  /** `name@N`: the Osprey dataset version. */
  dataset: string;
  /** The run whose dataset input it is (the version's run, or its pipeline run) and the input's context. */
  runId: string;
  context: string | null;
}

/** The inputs preferred, by context, when a run has several linked dataset versions; otherwise the first logged. */
const PREFERRED_CONTEXTS = ['data', 'training', 'train'];

/** The champion of `endpoint`: its deployment's model at `championVersion`. NOT_FOUND naming what is missing. */
export async function championOf(store: MetadataStore, endpoint: string): Promise<Champion> {
  const deployment = await store.deployments.get(endpoint);
  if (!deployment) throw notFound(`no deployment serves endpoint ${JSON.stringify(endpoint)}`, { endpoint });
  const version = await resolveModelReference(store.registry, {
    name: deployment.modelName,
    version: Number(deployment.championVersion),
  }).catch((error: unknown) => {
    throw notFound(
      `the champion of endpoint ${JSON.stringify(endpoint)}, ${deployment.modelName}/${deployment.championVersion}, is not in the registry: ${(error as Error).message}`,
      { endpoint },
    );
  });
  return {
    endpoint,
    model: version.name,
    version: version.version,
    uri: `models:/${version.name}/${version.version}`,
    runId: version.runId || null,
  };
}

/**
 * The Osprey dataset version the champion of `endpoint` was trained on, along its lineage (as `osprey models
 * lineage`): model version → run → the dataset versions its dataset inputs are linked to; a version registered
 * by a pipeline step whose own inputs link to none (it trained on an upstream step's output) → the pipeline run's
 * dataset inputs (its dataset parameters). NOT_FOUND naming the endpoint and the missing link.
 */
export async function championTrainingData(store: MetadataStore, endpoint: string): Promise<ChampionData> {
  const champion = await championOf(store, endpoint);
  const where = `the champion of endpoint ${JSON.stringify(endpoint)} (${champion.uri})`;
  if (!champion.runId) throw notFound(`${where} was registered without a run: its training data is unknown`);
  const run = await store.tracking.getRun(champion.runId);
  if (!run) throw notFound(`${where}: its run ${champion.runId} is not in the tracking store`);
  const runs = [run];
  const pipelineRunId = tag(run, PIPELINE_TAGS.runId);
  if (pipelineRunId && pipelineRunId !== run.info.runId) {
    const pipelineRun = await store.tracking.getRun(pipelineRunId);
    if (pipelineRun) runs.push(pipelineRun);
  }
  for (const r of runs) {
    const input = chooseInput(r.inputs);
    if (input?.datasetVersion)
      return {
        champion,
        dataset: formatVersionRef(input.datasetVersion.datasetName, input.datasetVersion.version),
        runId: r.info.runId,
        context: contextOf(input),
      };
  }
  throw notFound(
    `${where}: no dataset input of run ${champion.runId}${runs.length > 1 ? ` nor of its pipeline run ${pipelineRunId}` : ''} is an Osprey dataset version`,
    { endpoint, runId: champion.runId },
  );
}

function chooseInput(inputs: DatasetInputRecord[]): DatasetInputRecord | undefined {
  const linked = inputs.filter((i) => i.datasetVersion !== null);
  for (const context of PREFERRED_CONTEXTS) {
    const found = linked.find((i) => contextOf(i) === context);
    if (found) return found;
  }
  return linked[0];
}

const contextOf = (input: DatasetInputRecord) => input.tags.find((t) => t.key === DATASET_CONTEXT_TAG)?.value ?? null;
const tag = (run: RunRecord, key: string) => run.tags.find((t) => t.key === key)?.value;
