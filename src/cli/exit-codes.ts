import type { ErrorCode } from '../core/errors.js';

/** CLI exit codes: 0 ok, 1 failed, 2 usage error (the caller asked for something malformed). */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

const EXIT_BY_CODE: Record<ErrorCode, number> = {
  NOT_FOUND: EXIT_FAILED,
  INVALID_ARGUMENT: EXIT_USAGE,
  ALREADY_EXISTS: EXIT_FAILED,
  CONFLICT: EXIT_FAILED,
  UNAUTHENTICATED: EXIT_FAILED,
  PERMISSION_DENIED: EXIT_FAILED,
  RESOURCE_EXHAUSTED: EXIT_FAILED,
  UNAVAILABLE: EXIT_FAILED,
  INTERNAL: EXIT_FAILED,
};

export function exitCodeOf(code: ErrorCode): number {
  return EXIT_BY_CODE[code];
}
