import type { Kysely } from 'kysely';
import type { Migration } from './migration.js';

/** Registered models, model versions, tags, aliases. */
export const registryMigration: Migration = {
  version: 3,
  name: 'registry',
  async up(_db: Kysely<unknown>): Promise<void> {},
};
