import { normalizeKey } from '../artifacts/keys.js';
import { invalidArgument, isOspreyError, notFound } from '../core/errors.js';
import type { RegistryRepository } from '../store/registry.js';
import type { TrackingRepository } from '../store/tracking.js';
import { resolveModelReference } from './references.js';
import { LIMITS } from './validation.js';

/**
 * Model-version sources must resolve inside Osprey's artifact store; this is where that is enforced. Accepted:
 *   mlflow-artifacts:/<key>      a key in the store (checked by normalizeKey: decoded until stable, no `..`, `.`,
 *                                empty segments, absolute paths, drive letters, backslashes, control characters,
 *                                `#`, `?`, `;`)
 *   runs:/<run_id>[/<path>]      a path under a run's artifact root (the run's URI must itself be mlflow-artifacts)
 *   models:/<name>/<version>     another version's artifacts (also `@alias`, `/latest`, `/<stage>`)
 * Everything else is INVALID_ARGUMENT: local paths and `file:` URIs, other schemes (http, s3…), an authority
 * (`mlflow-artifacts://host/…`, `//proc/self/root`), and raw control characters or backslashes anywhere. The
 * checklist is MLflow's CVE history: CVE-2023-1177, -2356, -2780, -6909, -6977; CVE-2024-1483, -1558, -1560,
 * -1594, -2928, -3573, -3848; CVE-2025-11201.
 */

/** The tracking store's answer about a run: where its artifacts are. Wired by the composition root. */
export type RunLookup = (runId: string) => Promise<{ artifactUri: string } | undefined>;

/** The RunLookup over the tracking store: what every composition root wires. */
export function trackingRunLookup(tracking: TrackingRepository): RunLookup {
  return async (runId) => {
    const run = await tracking.getRun(runId);
    return run && { artifactUri: run.info.artifactUri };
  };
}

export interface ResolvedSource {
  /** Always `mlflow-artifacts:/<normalized key>`. */
  storageLocation: string;
  /** The run the source names (runs:/) or the caller gave; null when neither. */
  runId: string | null;
}

const SCHEMES = ['mlflow-artifacts', 'runs', 'models'];
const ACCEPTED = 'use mlflow-artifacts:/<path>, runs:/<run_id>/<path> or models:/<name>/<version>';

export class SourceResolver {
  constructor(
    private readonly registry: RegistryRepository,
    private readonly runs: RunLookup | undefined,
  ) {}

  /** Resolves `source` (and checks it against `runId` when both name a run). */
  async resolve(source: string, runId: string | null): Promise<ResolvedSource> {
    const reject = (reason: string) =>
      invalidArgument(`Invalid model version source: '${source}': ${reason}`, { field: 'source' });
    if (source.length > LIMITS.source) throw reject(`it is longer than ${LIMITS.source} characters`);
    if (/[\p{Cc}\p{Cs}\\]/u.test(source)) throw reject('it contains a control character or a backslash');
    const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(source)?.[1]?.toLowerCase();
    if (scheme === undefined) throw reject(`local paths are not accepted; ${ACCEPTED}`);
    if (scheme === 'file') throw reject(`local files are not accepted; ${ACCEPTED}`);
    if (!SCHEMES.includes(scheme)) throw reject(`the scheme '${scheme}:' is not accepted; ${ACCEPTED}`);
    const rest = source.slice(scheme.length + 1);
    if (!rest.startsWith('/') || rest.startsWith('//'))
      throw reject(`expected '${scheme}:/' followed by a path, without a host; ${ACCEPTED}`);
    const path = rest.slice(1);
    if (scheme === 'runs') return this.fromRun(path, runId, reject);
    if (scheme === 'models') return this.fromModel(source, runId, reject);
    return { storageLocation: artifactLocation(safeKey(path, reject)), runId };
  }

  private async fromRun(path: string, runId: string | null, reject: (reason: string) => Error) {
    const slash = path.indexOf('/');
    const sourceRun = slash < 0 ? path : path.slice(0, slash);
    const subPath = slash < 0 ? '' : path.slice(slash + 1);
    if (!/^[a-zA-Z0-9][\w-]{0,255}$/.test(sourceRun))
      throw reject('runs:/ needs a run id, as in runs:/<run_id>/<path>');
    if (runId && runId !== sourceRun) throw reject(`it names run ${sourceRun} but run_id is ${runId}`);
    const subKey = subPath === '' ? '' : safeKey(subPath, reject);
    if (!this.runs) throw reject('this server cannot resolve runs:/ sources (it has no tracking store)');
    const run = await this.runs(sourceRun);
    if (!run) throw notFound(`Run with id=${sourceRun} not found`, { runId: sourceRun });
    const root = runArtifactKey(run.artifactUri, sourceRun);
    const key = subKey === '' ? root : safeKey(`${root}/${subKey}`, reject);
    return { storageLocation: artifactLocation(key), runId: sourceRun };
  }

  private async fromModel(source: string, runId: string | null, reject: (reason: string) => Error) {
    let version: Awaited<ReturnType<typeof resolveModelReference>>;
    try {
      version = await resolveModelReference(this.registry, source);
    } catch (error) {
      if (isOspreyError(error, 'INVALID_ARGUMENT')) throw reject(error.message);
      throw error;
    }
    return { storageLocation: version.storageLocation, runId: runId ?? (version.runId || null) };
  }
}

/** The normalized key of a path (one trailing `/` allowed), or the caller's rejection naming why. */
function safeKey(path: string, reject: (reason: string) => Error): string {
  try {
    return normalizeKey(path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path);
  } catch (error) {
    if (isOspreyError(error, 'INVALID_ARGUMENT')) throw reject(error.message);
    throw error;
  }
}

const artifactLocation = (key: string) => `mlflow-artifacts:/${key}`;

/** A run's artifact root as a store key; a run whose artifacts are not in the store cannot be a source. */
function runArtifactKey(artifactUri: string, runId: string): string {
  const match = /^mlflow-artifacts:\/(?!\/)(.+)$/.exec(artifactUri);
  const refuse = () =>
    invalidArgument(
      `Run ${runId} keeps its artifacts outside the artifact store (${artifactUri}): it cannot be a source`,
      {
        runId,
      },
    );
  if (!match) throw refuse();
  try {
    return normalizeKey(match[1] as string);
  } catch {
    throw refuse();
  }
}
