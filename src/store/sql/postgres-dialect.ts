import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { errorMessage, OspreyError } from '../../core/errors.js';
import type { Database } from './tables.js';

/** Where a postgres:// URL points, without the user or password: `host:port/database`. */
export function describePostgresUrl(url: string): string {
  try {
    const parsed = new URL(url);
    const host = decodeURIComponent(parsed.hostname) || 'localhost';
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || '(default database)';
    return `${host}:${parsed.port || '5432'}/${database}`;
  } catch {
    return '(unparsable postgres URL)';
  }
}

/** int8 (bigint: times, sizes, count(*)) as JS numbers; on this pool only, not pg's global parsers. */
function typesWithNumericInt8(): pg.CustomTypesConfig {
  const types = new pg.TypeOverrides();
  types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  return types;
}

/**
 * Connects a pool to the URL and checks the server answers, so a wrong URL or a stopped server fails here
 * with UNAVAILABLE naming host:port/database. A `?options=-c search_path%3Dschema` parameter selects a schema.
 */
export async function openPostgresKysely(url: string): Promise<Kysely<Database>> {
  const pool = new pg.Pool({ connectionString: url, types: typesWithNumericInt8(), connectionTimeoutMillis: 10_000 });
  // An idle client losing its connection (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => {});
    throw unavailable(url, error);
  }
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

function unavailable(url: string, error: unknown): OspreyError {
  const where = describePostgresUrl(url);
  return new OspreyError('UNAVAILABLE', `cannot connect to PostgreSQL at ${where}: ${causeText(error)}`, {
    cause: error,
    details: { database: where },
  });
}

/** A readable reason, also for Node's AggregateError (one attempt per address) whose message is empty. */
function causeText(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) {
    return [...new Set(error.errors.map(causeText))].join('; ');
  }
  const message = errorMessage(error);
  if (message) return message;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown error';
}
