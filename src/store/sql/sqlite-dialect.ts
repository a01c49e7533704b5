import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { errorMessage, OspreyError } from '../../core/errors.js';
import type { Database } from './tables.js';

/** How long a statement waits for another process's lock before failing (SQLite's busy_timeout). */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Opens the SQLite file (creating it and its directory) for several processes at once: WAL (readers never block
 * the writer), a busy timeout, foreign keys on, synchronous=NORMAL (durable across process crashes under WAL).
 */
export function openSqliteKysely(path: string): Kysely<Database> {
  let database: BetterSqlite3.Database;
  try {
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    database = new BetterSqlite3(path, { timeout: SQLITE_BUSY_TIMEOUT_MS });
  } catch (error) {
    throw new OspreyError('UNAVAILABLE', `cannot open the SQLite database ${path}: ${errorMessage(error)}`, {
      cause: error,
      details: { path },
    });
  }
  try {
    withBusyRetry(() => database.pragma('journal_mode = WAL'));
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    throw new OspreyError('UNAVAILABLE', `cannot configure the SQLite database ${path}: ${errorMessage(error)}`, {
      cause: error,
      details: { path },
    });
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

/**
 * Switching a fresh file to WAL needs an exclusive lock, and SQLite answers SQLITE_BUSY there without calling the
 * busy handler when another process opens the same file at that moment: retry for up to the busy timeout.
 */
function withBusyRetry<T>(fn: () => T): T {
  const deadline = Date.now() + SQLITE_BUSY_TIMEOUT_MS;
  const sleeper = new Int32Array(new SharedArrayBuffer(4));
  for (let attempt = 1; ; attempt++) {
    try {
      return fn();
    } catch (error) {
      const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY') ?? false;
      if (!busy || Date.now() >= deadline) throw error;
      Atomics.wait(sleeper, 0, 0, Math.min(50, 5 * attempt));
    }
  }
}
