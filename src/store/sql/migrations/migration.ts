import type { Kysely } from 'kysely';

/**
 * One schema change. Versions are 1, 2, 3… without gaps, in file order (`0001_datasets.ts`, `0002_tracking.ts`…).
 * `up` runs inside the migrator's transaction and must work on SQLite and PostgreSQL alike: use Kysely's schema
 * builder with portable types (text, integer, bigint for epoch millis and sizes, text for JSON, integer for booleans).
 * A migration, once released, never changes: later changes are new migrations.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(db: Kysely<unknown>): Promise<void>;
}
