import { datasetsMigration } from './0001_datasets.js';
import { trackingMigration } from './0002_tracking.js';
import { registryMigration } from './0003_registry.js';
import { tokensMigration } from './0004_tokens.js';
import { pipelinesMigration } from './0005_pipelines.js';
import { triggersMigration } from './0006_triggers.js';
import { runOptionsMigration } from './0007_run_options.js';
import { monitorsMigration } from './0008_monitors.js';
import { deploymentsMigration } from './0009_deployments.js';
import type { Migration } from './migration.js';

/** Every migration, in order. A new one is a new file here and one more line below (0002_tracking, 0003_registry…). */
export const MIGRATIONS: readonly Migration[] = [
  datasetsMigration,
  trackingMigration,
  registryMigration,
  tokensMigration,
  pipelinesMigration,
  triggersMigration,
  runOptionsMigration,
  monitorsMigration,
  deploymentsMigration,
];

export type { Migration } from './migration.js';
