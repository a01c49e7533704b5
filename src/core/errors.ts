/**
 * The one error type of Osprey. Every failure a user can act on is an OspreyError with a code;
 * the edges (CLI exit codes, HTTP statuses, gRPC statuses, MLflow error codes) map the code in one table each.
 */
export const ERROR_CODES = [
  /** The named thing (dataset, version, run, artifact…) does not exist. */
  'NOT_FOUND',
  /** The caller sent something malformed: a bad name, path, reference, file or option. */
  'INVALID_ARGUMENT',
  /** Creating something that already exists where duplicates are not allowed. */
  'ALREADY_EXISTS',
  /** The request is valid but conflicts with the current state (a concurrent change, a wrong stage). */
  'CONFLICT',
  'UNAUTHENTICATED',
  'PERMISSION_DENIED',
  /** A bounded queue or quota is full: retry later. */
  'RESOURCE_EXHAUSTED',
  /** A dependency (database, object store, model) cannot be reached right now. */
  'UNAVAILABLE',
  /** A bug or a broken invariant (for example a corrupt stored object). */
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export class OspreyError extends Error {
  override readonly name = 'OspreyError';
  readonly code: ErrorCode;
  /** Structured context for machine output (for example `{ file, line }`). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }

  toJSON(): { code: ErrorCode; message: string; details: Readonly<Record<string, unknown>> } {
    return { code: this.code, message: this.message, details: this.details };
  }
}

export function isOspreyError(value: unknown, code?: ErrorCode): value is OspreyError {
  return value instanceof OspreyError && (code === undefined || value.code === code);
}

export const notFound = (message: string, details?: Record<string, unknown>) =>
  new OspreyError('NOT_FOUND', message, details ? { details } : {});
export const invalidArgument = (message: string, details?: Record<string, unknown>) =>
  new OspreyError('INVALID_ARGUMENT', message, details ? { details } : {});

/** The message of any thrown value, for the last line of defence at an edge. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
