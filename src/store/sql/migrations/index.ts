import { datasetsMigration } from './0001_datasets.js';
import type { Migration } from './migration.js';

/** Every migration, in order. A new one is a new file here and one more line below (0002_tracking, 0003_registry…). */
export const MIGRATIONS: readonly Migration[] = [datasetsMigration];

export type { Migration } from './migration.js';
