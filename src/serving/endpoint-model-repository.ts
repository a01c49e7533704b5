/**
 * Endpoints served from their deployments (`osprey serve --endpoint NAME`): an endpoint is served as a model named
 * after it, whose versions are the registry versions of its deployment — the champion and, during a rollout, the
 * challenger. Which of them answers a request is the live rollout's business (traffic/live-rollout.ts); this
 * repository only says what to load, and from which bytes.
 *
 * Predictions are logged under the endpoint's name, with each version's feature names from its tag
 * `osprey.feature_names` (a JSON array of the model's input columns, set by the pipeline that registered it).
 */
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { invalidArgument, notFound } from '../core/errors.js';
import type { DeploymentRecord } from '../store/deployments.js';
import type { ModelVersionRecord } from '../store/registry.js';
import type { ModelConfig } from './model-config.js';
import type { ModelRepository, ModelToLoad } from './model-repository.js';
import { type RegistryReader, readModelBytes } from './registry-model-repository.js';

/** The tag on a model version that names its input columns (the prediction log's feature names). */
export const FEATURE_NAMES_TAG = 'osprey.feature_names';

export interface DeploymentReader {
  get(endpoint: string): Promise<DeploymentRecord | undefined>;
}

/** The versions an endpoint serves in its deployment's current phase: champion first. */
export function servedVersions(deployment: DeploymentRecord): string[] {
  return deployment.phase !== 'stable' && deployment.challengerVersion !== null
    ? [deployment.championVersion, deployment.challengerVersion]
    : [deployment.championVersion];
}

export class EndpointModelRepository implements ModelRepository {
  readonly description: string;

  constructor(
    private readonly deployments: DeploymentReader,
    private readonly registry: RegistryReader,
    private readonly artifacts: ArtifactStore,
    private readonly endpoints: readonly string[],
    private readonly config: ModelConfig,
  ) {
    this.description = `endpoints ${endpoints.join(', ')}`;
  }

  async names(): Promise<string[]> {
    return [...this.endpoints].sort();
  }

  async deployment(endpoint: string): Promise<DeploymentRecord> {
    if (!this.endpoints.includes(endpoint))
      throw notFound(`'${endpoint}' is not one of the --endpoint names`, { model: endpoint });
    const deployment = await this.deployments.get(endpoint);
    if (deployment === undefined)
      throw notFound(
        `no deployment named '${endpoint}': create it with osprey deploy ${endpoint} --model NAME/VERSION`,
        {
          model: endpoint,
        },
      );
    return deployment;
  }

  /**
   * What start-up loads: the champion alone. The rollout controller brings in the challenger afterwards, so a
   * challenger that cannot be loaded is rolled back instead of keeping the server from starting.
   */
  async resolve(endpoint: string): Promise<ModelToLoad> {
    const deployment = await this.deployment(endpoint);
    return this.versions(deployment, [deployment.championVersion]);
  }

  /** What to load to serve `versions` of the deployment's model under the endpoint's name. */
  async versions(deployment: DeploymentRecord, versions: readonly string[]): Promise<ModelToLoad> {
    const records = await Promise.all(versions.map((v) => this.registry.getVersion(deployment.modelName, Number(v))));
    const configOf = (record: ModelVersionRecord): ModelConfig => {
      const featureNames = featureNamesOf(record.tags, `model '${record.name}' version ${record.version}`);
      return {
        ...this.config,
        versionPolicy: { kind: 'all' },
        logging: {
          ...this.config.logging,
          deployment: deployment.endpoint,
          ...(featureNames === undefined ? {} : { featureNames }),
        },
      };
    };
    return {
      name: deployment.endpoint,
      config: configOf(records[0]!),
      versions: await Promise.all(
        records.map(async (record) => ({
          version: String(record.version),
          source: { bytes: await readModelBytes(this.artifacts, record) },
          config: configOf(record),
        })),
      ),
    };
  }
}

function featureNamesOf(tags: readonly { key: string; value: string }[], where: string): string[] | undefined {
  const tag = tags.find((t) => t.key === FEATURE_NAMES_TAG);
  if (tag === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(tag.value);
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((n) => typeof n !== 'string' || n === ''))
    throw invalidArgument(`${where}: tag ${FEATURE_NAMES_TAG} must be a JSON array of column names, got ${tag.value}`);
  return parsed as string[];
}
