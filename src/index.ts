// The public API of the `osprey` package.

export type { ArtifactStore } from './artifacts/artifact-store.js';
export { type ErrorCode, OspreyError } from './core/errors.js';
export { DatasetService } from './data/datasets.js';
export type { ColumnProfile, DatasetProfile } from './data/profile.js';
export type { DatasetRecord, DatasetVersionRecord, MetadataStore } from './store/metadata-store.js';
