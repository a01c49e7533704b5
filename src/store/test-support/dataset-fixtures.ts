import { sha256Hex } from '../../core/hashing.js';
import type { NewDatasetVersion } from '../metadata-store.js';

/** A valid NewDatasetVersion whose digest is the SHA-256 of `seed`; override any field. */
export function newDatasetVersion(
  datasetName: string,
  seed: string,
  overrides: Partial<NewDatasetVersion> = {},
): NewDatasetVersion {
  return {
    datasetName,
    digest: sha256Hex(seed),
    kind: 'file',
    format: 'csv',
    source: `/data/${datasetName}/${seed}.csv`,
    sizeBytes: 1024,
    fileCount: 1,
    rowCount: 10,
    rejectedRowCount: 0,
    quarantineDigest: null,
    schema: { columns: [{ name: 'x', type: 'DOUBLE' }] },
    profile: { rows: 10 },
    description: null,
    ...overrides,
  };
}
