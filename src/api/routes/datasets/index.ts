import type { FastifyInstance } from 'fastify';
import { DatasetService } from '../../../data/datasets.js';
import type { DatasetRecord, DatasetVersionRecord } from '../../../store/metadata-store.js';
import { optionalBool, optionalString, requiredString } from '../../mlflow/fields.js';
import { registerMlflowRoutes } from '../../mlflow/route.js';
import type { ApiDeps } from '../../server.js';

/**
 * Osprey's dataset versions over HTTP (read-only; versions are created by `osprey data add` or pipelines), under
 * /api/2.0/osprey/. A version is named by `ref` (`name`, `name@3`, `name@<digest prefix>`, a digest).
 */
export function registerDatasetRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const datasets = new DatasetService(deps.store, deps.artifacts);
  registerMlflowRoutes(
    app,
    [
      {
        method: 'GET',
        path: 'datasets/list',
        access: 'read',
        handler: async () => ({ datasets: (await datasets.list()).map(datasetJson) }),
      },
      {
        method: 'GET',
        path: 'datasets/versions/list',
        access: 'read',
        handler: async (f) => ({
          versions: (await datasets.versions(requiredString(f, 'name'))).map((v) => versionJson(v, false)),
        }),
      },
      {
        method: 'GET',
        path: 'datasets/versions/get',
        access: 'read',
        handler: async (f) => {
          const ref = optionalString(f, 'ref') ?? requiredString(f, 'digest');
          const version = await datasets.resolve(ref);
          return { version: versionJson(version, optionalBool(f, 'include_profile') ?? true) };
        },
      },
    ],
    ['/api/2.0/osprey/'],
  );
}

function datasetJson(d: DatasetRecord) {
  return {
    name: d.name,
    description: d.description,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    version_count: d.versionCount,
    latest_version: d.latestVersion,
  };
}

export function versionJson(v: DatasetVersionRecord, withProfile: boolean) {
  return {
    name: v.datasetName,
    version: v.version,
    ref: `${v.datasetName}@${v.version}`,
    digest: v.digest,
    kind: v.kind,
    format: v.format,
    source: v.source,
    size_bytes: v.sizeBytes,
    file_count: v.fileCount,
    row_count: v.rowCount,
    rejected_row_count: v.rejectedRowCount,
    quarantine_digest: v.quarantineDigest,
    description: v.description,
    created_at: v.createdAt,
    schema: v.schema,
    ...(withProfile ? { profile: v.profile } : {}),
  };
}
