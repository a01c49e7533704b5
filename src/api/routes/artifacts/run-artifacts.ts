import type { ArtifactStore } from '../../../artifacts/artifact-store.js';
import { normalizePrefix } from '../../../artifacts/keys.js';
import { notFound, OspreyError } from '../../../core/errors.js';
import type { MetadataStore } from '../../../store/metadata-store.js';
import { optionalString, requiredString } from '../../mlflow/fields.js';
import type { MlflowRoute } from '../../mlflow/route.js';

const SCHEME = 'mlflow-artifacts:/';

/**
 * `artifacts/list` (service.proto ListArtifacts): a run's artifacts under an optional path, with paths relative to
 * the run's artifact root (`model/MLmodel`), as MLflow's clients expect.
 */
export function runArtifactRoutes(store: MetadataStore, artifacts: ArtifactStore): MlflowRoute[] {
  return [
    {
      method: 'GET',
      path: 'artifacts/list',
      access: 'read',
      handler: async (f) => {
        const runId = optionalString(f, 'run_id') ?? requiredString(f, 'run_uuid');
        const run = await store.tracking.getRun(runId);
        if (!run) throw notFound(`Run with id=${runId} not found`);
        const rootUri = run.info.artifactUri;
        if (!rootUri.startsWith(SCHEME))
          throw new OspreyError('INTERNAL', `run ${runId} has an artifact URI outside the store: ${rootUri}`);
        const root = normalizePrefix(rootUri.slice(SCHEME.length));
        const sub = normalizePrefix(optionalString(f, 'path') ?? '');
        const entries = await artifacts.list(sub === '' ? root : `${root}/${sub}`);
        return {
          root_uri: rootUri,
          files: entries.map((e) => ({
            path: e.path.slice(root.length + 1),
            is_dir: e.isDir,
            ...(e.isDir ? {} : { file_size: e.size }),
          })),
        };
      },
    },
  ];
}
