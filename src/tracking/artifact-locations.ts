import { normalizeKey } from '../artifacts/keys.js';
import { invalidArgument, isOspreyError } from '../core/errors.js';

/**
 * Where experiments and runs keep artifacts: always inside Osprey's artifact store, addressed by MLflow's proxy
 * scheme. An experiment's root is `mlflow-artifacts:/<experiment_id>`, a run's `<experiment root>/<run_id>/artifacts`.
 * A client may choose an experiment's root, but only as an `mlflow-artifacts:/` URI whose path passes the store's
 * key check (`..`, absolute paths, backslashes, NUL, `#`/`?`/`;` in any percent-encoding are refused): no file://,
 * local paths, other schemes or hosts (MLflow CVE-2023-6909, CVE-2024-1483 and kin).
 */
export const ARTIFACT_SCHEME = 'mlflow-artifacts:';

export function defaultExperimentArtifactLocation(experimentId: string): string {
  return `${ARTIFACT_SCHEME}/${experimentId}`;
}

export function runArtifactUri(experimentArtifactLocation: string, runId: string): string {
  return `${experimentArtifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`;
}

/** The client's artifact_location, normalized, or INVALID_ARGUMENT saying why it is refused. */
export function checkArtifactLocation(location: string): string {
  const refuse = (reason: string) =>
    invalidArgument(`artifact_location ${JSON.stringify(location)} is not allowed: ${reason}`, {
      field: 'artifact_location',
    });
  if (!location.startsWith(`${ARTIFACT_SCHEME}/`)) {
    throw refuse(`it must be an ${ARTIFACT_SCHEME}/<path> URI inside Osprey's artifact store`);
  }
  const path = location.slice(ARTIFACT_SCHEME.length + 1);
  if (path.startsWith('/')) throw refuse('a host or an absolute path is not allowed, only a relative path');
  try {
    return `${ARTIFACT_SCHEME}/${normalizeKey(path.replace(/\/+$/, ''))}`;
  } catch (error) {
    if (isOspreyError(error)) throw refuse(error.message.replace(/^artifact path ".*" is not allowed: /s, ''));
    throw error;
  }
}
