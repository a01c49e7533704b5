import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** Experiments, runs, params, metrics, tags, dataset inputs. */
export const trackingMigration: Migration = {
  version: 2,
  name: 'tracking',
  async up(_db: Kysely<unknown>): Promise<void> {},
};
