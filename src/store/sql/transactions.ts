import { type Kysely, sql } from 'kysely';
import { OspreyError } from '../../core/errors.js';
import { isRetryableConflict, isSqliteBusy, toOspreyError } from './sql-errors.js';
import { SQLITE_BUSY_TIMEOUT_MS } from './sqlite-dialect.js';
import type { Database, SqlKind } from './tables.js';

/** What repositories need: the database, its engine, and a name for it in error messages. */
export interface SqlContext {
  readonly db: Kysely<Database>;
  readonly kind: SqlKind;
  /** The SQLite path, or `host:port/database` for PostgreSQL (never a password). */
  readonly where: string;
}

const MAX_ATTEMPTS = 5;

/** Runs a read, turning driver failures into OspreyErrors. */
export async function read<T>(ctx: SqlContext, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  try {
    return await fn(ctx.db);
  } catch (error) {
    throw toOspreyError(error, ctx.where);
  }
}

/**
 * Runs `fn` in one write transaction, all or nothing. Writers serialize: on SQLite the transaction starts with
 * BEGIN IMMEDIATE (the write lock up front, so a read-then-write never fails with SQLITE_BUSY_SNAPSHOT); on
 * PostgreSQL `fn` takes row or advisory locks itself. A unique violation (a concurrent writer won a race),
 * serialization failure or deadlock reruns `fn` from the start, a few times.
 */
export async function writeTransaction<T>(ctx: SqlContext, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      if (ctx.kind === 'postgres') return await ctx.db.transaction().execute(fn);
      return await ctx.db.connection().execute((conn) => sqliteImmediateTransaction(conn, ctx.where, fn));
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isRetryableConflict(error)) throw toOspreyError(error, ctx.where);
    }
  }
}

/** On SQLite's one pinned connection: BEGIN IMMEDIATE … COMMIT, ROLLBACK on any failure. */
async function sqliteImmediateTransaction<T>(
  conn: Kysely<Database>,
  where: string,
  fn: (trx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  await beginImmediate(conn, where);
  try {
    const result = await fn(conn);
    await sql`commit`.execute(conn);
    return result;
  } catch (error) {
    await sql`rollback`.execute(conn).catch(() => {});
    throw error;
  }
}

/**
 * Takes SQLite's write lock, waiting up to the busy timeout for other writers. The wait is asynchronous (busy
 * handler off, retry with a short sleep) rather than SQLite's blocking busy handler, so the event loop keeps
 * running: another connection in this same process can finish the transaction it holds.
 */
async function beginImmediate(conn: Kysely<Database>, where: string): Promise<void> {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  await sql`pragma busy_timeout = 0`.execute(conn);
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await sql`begin immediate`.execute(conn);
        return;
      } catch (error) {
        if (!isSqliteBusy(error)) throw error;
        if (Date.now() >= deadline) {
          throw new OspreyError(
            'UNAVAILABLE',
            `the metadata database ${where} stayed locked by another writer for ${SQLITE_BUSY_TIMEOUT_MS / 1000} s; retry`,
            { cause: error, details: { database: where } },
          );
        }
        await sleep(Math.min(50, 2 ** attempt) + Math.random() * 5);
      }
    }
  } finally {
    await sql.raw(`pragma busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`).execute(conn);
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
