import type { ErrorCode } from '../../core/errors.js';

/**
 * The one table from Osprey's error codes to MLflow's `error_code` and HTTP status (mlflow/exceptions.py), so
 * MLflow clients see the errors they know: `{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "…"}`.
 */
export const MLFLOW_ERRORS: Record<ErrorCode, { errorCode: string; status: number }> = {
  INVALID_ARGUMENT: { errorCode: 'INVALID_PARAMETER_VALUE', status: 400 },
  NOT_FOUND: { errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 },
  ALREADY_EXISTS: { errorCode: 'RESOURCE_ALREADY_EXISTS', status: 400 },
  CONFLICT: { errorCode: 'INVALID_STATE', status: 400 },
  UNAUTHENTICATED: { errorCode: 'UNAUTHENTICATED', status: 401 },
  PERMISSION_DENIED: { errorCode: 'PERMISSION_DENIED', status: 403 },
  RESOURCE_EXHAUSTED: { errorCode: 'RESOURCE_EXHAUSTED', status: 429 },
  UNAVAILABLE: { errorCode: 'TEMPORARILY_UNAVAILABLE', status: 503 },
  INTERNAL: { errorCode: 'INTERNAL_ERROR', status: 500 },
};

export interface MlflowErrorBody {
  error_code: string;
  message: string;
}
