import { type Kysely, sql } from 'kysely';
import { OspreyError } from '../../core/errors.js';
import { nowMillis } from '../../core/time.js';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import type { Database } from './tables.js';
import { type SqlContext, writeTransaction } from './transactions.js';

/**
 * Brings the schema up to date, in one transaction that also records each applied migration in
 * `schema_migrations` (version, name, applied_at). Safe when several processes open the database at once:
 * PostgreSQL serializes them on an advisory lock (per schema), SQLite on BEGIN IMMEDIATE; whoever comes second
 * finds the migrations applied. Refuses a database migrated by a newer Osprey. Returns the schema version.
 */
export async function migrate(ctx: SqlContext, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  checkSequence(migrations);
  return writeTransaction(ctx, async (trx) => {
    if (ctx.kind === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtext(${'osprey.schema_migrations:'} || coalesce(current_schema(), '')))`.execute(
        trx,
      );
    }
    await trx.schema
      .createTable('schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'bigint', (c) => c.notNull())
      .execute();

    const applied = await trx.selectFrom('schema_migrations').select(['version', 'name']).orderBy('version').execute();
    checkApplied(applied, migrations, ctx.where);

    const done = new Set(applied.map((row) => row.version));
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await migration.up(trx as unknown as Kysely<unknown>);
      await trx
        .insertInto('schema_migrations')
        .values({ version: migration.version, name: migration.name, applied_at: nowMillis() })
        .execute();
    }
    return migrations.at(-1)?.version ?? 0;
  });
}

/** The newest applied migration, 0 on an empty database. */
export async function appliedSchemaVersion(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('schema_migrations')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

function checkSequence(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new OspreyError(
        'INTERNAL',
        `migration ${migration.name} has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}

function checkApplied(applied: { version: number; name: string }[], known: readonly Migration[], where: string): void {
  const newest = applied.at(-1)?.version ?? 0;
  const latestKnown = known.at(-1)?.version ?? 0;
  if (newest > latestKnown) {
    throw new OspreyError(
      'CONFLICT',
      `the metadata database ${where} has schema version ${newest}, newer than this Osprey knows (${latestKnown}): upgrade Osprey`,
      { details: { database: where, schemaVersion: newest, supportedVersion: latestKnown } },
    );
  }
  for (const row of applied) {
    const expected = known[row.version - 1];
    if (expected && expected.name !== row.name) {
      throw new OspreyError(
        'CONFLICT',
        `the metadata database ${where} applied migration ${row.version} as '${row.name}', but this Osprey names it '${expected.name}': it was created by a different build of Osprey`,
        { details: { database: where, version: row.version } },
      );
    }
  }
}
