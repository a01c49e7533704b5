/**
 * The one table from OspreyError codes to HTTP statuses on the model server's REST API, and the body every
 * error leaves with: `{"error": "<message>", "code": "<CODE>"}` plus `details` when there are any (the Open
 * Inference Protocol asks for `{"error": …}`; the rest is for machines). An overloaded model (a full queue, a
 * queue timeout) is 503 with `Retry-After`.
 */
import { type ErrorCode, errorMessage, isOspreyError } from '../../core/errors.js';
import type { HttpResponse } from './http1/response.js';

export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  NOT_FOUND: 404,
  INVALID_ARGUMENT: 400,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 503,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface HttpError {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Any thrown value as the response to send; errors that are not OspreyErrors are 500s. */
export function httpError(error: unknown): HttpError {
  if (!isOspreyError(error))
    return {
      status: 500,
      headers: {},
      body: JSON.stringify({ error: `internal error: ${errorMessage(error)}`, code: 'INTERNAL' }),
    };
  const status = HTTP_STATUS[error.code];
  const retryAfter = error.details.retryAfterSeconds;
  const headers: Record<string, string> =
    status === 503 ? { 'retry-after': String(typeof retryAfter === 'number' ? retryAfter : 1) } : {};
  const hasDetails = Object.keys(error.details).length > 0;
  const body = JSON.stringify({
    error: error.message,
    code: error.code,
    ...(hasDetails ? { details: error.details } : {}),
  });
  return { status, headers, body };
}

/** An error the server makes at the edge (an unknown route, an oversized body), in the same shape. */
export function edgeError(status: number, code: ErrorCode, message: string): HttpError {
  return { status, headers: {}, body: JSON.stringify({ error: message, code }) };
}

export function errorResponse(error: HttpError): HttpResponse {
  return { status: error.status, headers: { ...error.headers, 'content-type': 'application/json' }, body: error.body };
}
