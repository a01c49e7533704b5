import { errorMessage, isOspreyError, OspreyError } from '../../core/errors.js';

/** The code a driver put on an error: SQLite's `SQLITE_…`, PostgreSQL's SQLSTATE, or Node's `E…`. */
function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

export function isUniqueViolation(error: unknown): boolean {
  const code = codeOf(error);
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** PostgreSQL's serialization failure and deadlock: the transaction may simply be run again. */
export function isRetryableConflict(error: unknown): boolean {
  const code = codeOf(error);
  return isUniqueViolation(error) || code === '40001' || code === '40P01';
}

export function isSqliteBusy(error: unknown): boolean {
  return codeOf(error).startsWith('SQLITE_BUSY');
}

const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE']);

function isConnectionLost(error: unknown): boolean {
  const code = codeOf(error);
  if (CONNECTION_CODES.has(code) || code.startsWith('08') || code === '57P01' || code === '57P03') return true;
  return /Connection terminated|timeout exceeded when trying to connect/i.test(errorMessage(error));
}

/**
 * Every failure leaves the store as an OspreyError: a busy SQLite file or a lost PostgreSQL connection is
 * UNAVAILABLE (retry later); anything else the database reports is INTERNAL. `where` names the database.
 */
export function toOspreyError(error: unknown, where: string): OspreyError {
  if (isOspreyError(error)) return error;
  if (isSqliteBusy(error)) {
    return new OspreyError('UNAVAILABLE', `the metadata database ${where} is locked by another process; retry`, {
      cause: error,
      details: { database: where },
    });
  }
  if (isConnectionLost(error)) {
    return new OspreyError(
      'UNAVAILABLE',
      `lost the connection to the metadata database ${where}: ${errorMessage(error)}`,
      {
        cause: error,
        details: { database: where },
      },
    );
  }
  return new OspreyError('INTERNAL', `metadata database ${where} failed: ${errorMessage(error)}`, {
    cause: error,
    details: { database: where },
  });
}
