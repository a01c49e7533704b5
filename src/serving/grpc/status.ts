/**
 * The one table from OspreyError codes to gRPC status codes on the model server's gRPC API. An overloaded model
 * (a full queue) is RESOURCE_EXHAUSTED; overload statuses carry a `retry-after` (seconds) metadata entry.
 */
import { status } from '@grpc/grpc-js';
import { type ErrorCode, errorMessage, isOspreyError } from '../../core/errors.js';
import type { CallError } from './unary-server.js';

export const GRPC_STATUS: Readonly<Record<ErrorCode, status>> = {
  NOT_FOUND: status.NOT_FOUND,
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  ALREADY_EXISTS: status.ALREADY_EXISTS,
  CONFLICT: status.FAILED_PRECONDITION,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: status.UNAVAILABLE,
  INTERNAL: status.INTERNAL,
};

/** Any thrown value as the status a call ends with; errors that are not OspreyErrors are INTERNAL. */
export function grpcError(error: unknown): CallError {
  if (!isOspreyError(error)) return { code: status.INTERNAL, message: `internal error: ${errorMessage(error)}` };
  const code = GRPC_STATUS[error.code];
  if (code === status.RESOURCE_EXHAUSTED || code === status.UNAVAILABLE) {
    const retryAfter = error.details.retryAfterSeconds;
    return {
      code,
      message: error.message,
      trailers: { 'retry-after': String(typeof retryAfter === 'number' ? retryAfter : 1) },
    };
  }
  return { code, message: error.message };
}
