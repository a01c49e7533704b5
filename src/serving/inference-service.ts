/**
 * The model server's operations, whatever the transport: health, metadata, inference, the model repository and
 * statistics. The REST (http/) and gRPC (grpc/) servers decode into these calls and encode their answers; both
 * therefore validate, batch, count and fail alike. Errors are OspreyErrors; each edge maps codes in one table.
 */
import { errorMessage, invalidArgument, isOspreyError, OspreyError } from '../core/errors.js';
import type { ModelManager } from './model-manager.js';
import type { ModelRepository } from './model-repository.js';
import { type LogEvent, rateLimited, type ServerLog } from './observability/server-log.js';
import type { ModelStatisticsJson } from './observability/statistics.js';
import type { PredictionLogger } from './prediction-log/prediction-logger.js';
import type { InferenceRequest, InferenceResponse, InferOutput, Parameters } from './protocol/types.js';
import { validateInferenceRequest } from './protocol/validation.js';
import type { TensorSpec } from './runtime.js';
import type { ServedVersion } from './served-version.js';
import type { Tensor } from './tensor.js';
import type { LiveRollout } from './traffic/live-rollout.js';

/** Protocol extensions the servers implement, as `GET /v2` and ServerMetadata list them (Triton's names). */
export const EXTENSIONS = ['binary_tensor_data', 'model_repository', 'statistics'] as const;

/** Triton's platform name for ONNX models; other runtimes report their own name. */
const PLATFORMS: Record<string, string> = { onnxruntime: 'onnxruntime_onnx' };

export interface TensorMetadata {
  readonly name: string;
  readonly datatype: string;
  /** -1 for a variable dimension; [] also for a tensor whose rank the model does not declare. */
  readonly shape: readonly number[];
}

export interface ModelMetadata {
  readonly name: string;
  readonly versions: readonly string[];
  readonly platform: string;
  readonly inputs: readonly TensorMetadata[];
  readonly outputs: readonly TensorMetadata[];
}

export interface ServerMetadata {
  readonly name: string;
  readonly version: string;
  readonly extensions: readonly string[];
}

export class InferenceService {
  private started = false;
  /** Models the server is meant to serve: readiness waits for each of them. */
  private readonly expected = new Set<string>();
  /** Endpoints whose requests a deployment routes between champion and challenger (traffic/live-rollout.ts). */
  readonly rollouts = new Map<string, LiveRollout>();

  constructor(
    readonly manager: ModelManager,
    readonly repository: ModelRepository | undefined,
    private readonly serverVersion: string,
    /** Where successful predictions go (the metadata store's prediction log); none without a store. */
    private readonly predictionLog?: PredictionLogger,
    /** Where server-side failures are told (at most one per model, version and reason every 10 s). */
    log?: ServerLog,
  ) {
    this.#logFailure = log === undefined ? undefined : rateLimited(log, 10_000);
  }

  readonly #logFailure: ((key: string, event: LogEvent) => void) | undefined;

  /** Marks start-up done: from now on, readiness is "every expected model is served". */
  markStarted(): void {
    this.started = true;
  }

  live(): boolean {
    return true;
  }

  /** False until start-up has loaded and warmed every model; then true while each expected model is served. */
  ready(): boolean {
    if (!this.started) return false;
    for (const name of this.expected) if (this.manager.versionsOf(name).length === 0) return false;
    return true;
  }

  modelReady(name: string, version?: string): boolean {
    try {
      return this.manager.resolve(name, version).state === 'READY';
    } catch {
      return false;
    }
  }

  serverMetadata(): ServerMetadata {
    return { name: 'osprey', version: this.serverVersion, extensions: EXTENSIONS };
  }

  modelMetadata(name: string, version?: string): ModelMetadata {
    const served = this.manager.resolve(name, version);
    return {
      name,
      versions: this.manager.versionsOf(name).map((v) => v.version),
      platform: PLATFORMS[served.platform] ?? served.platform,
      inputs: served.signature.inputs.map(tensorMetadata),
      outputs: served.signature.outputs.map(tensorMetadata),
    };
  }

  /**
   * Runs one decoded request: validation against the signature, the batcher, statistics and metrics.
   * The version is taken and the request queued in the same synchronous step (see ModelManager.resolve).
   * Never throws: every failure is a rejection. A request to an endpoint without a version is routed by its
   * deployment; naming a version bypasses the routing.
   */
  infer(name: string, version: string | undefined, request: InferenceRequest): Promise<InferenceResponse> {
    const rollout = version === undefined || version === '' ? this.rollouts.get(name) : undefined;
    if (rollout !== undefined)
      return rollout.infer(request, (chosen, routed, logAs) => this.#inferVersion(name, chosen, routed, logAs));
    return this.#inferVersion(name, version, request);
  }

  /** One served version answers; its prediction is logged under `logAs` when given (a shadow's answers). */
  #inferVersion(
    name: string,
    version: string | undefined,
    request: InferenceRequest,
    logAs?: string,
  ): Promise<InferenceResponse> {
    let served: ServedVersion;
    try {
      served = this.manager.resolve(name, version);
    } catch (error) {
      return Promise.reject(error);
    }
    const started = performance.now();
    let submitted: ReturnType<ServedVersion['batcher']['submit']>;
    let inputs: Map<string, Tensor>;
    try {
      let outputNames: string[];
      ({ inputs, outputNames } = validateInferenceRequest(request, served.signature, {
        allowNonFinite: served.config.allowNonFinite,
      }));
      submitted = served.batcher.submit(inputs, outputNames, { timeoutUs: timeoutParameter(request.parameters) });
    } catch (error) {
      return Promise.reject(this.failed(served, started, error));
    }
    return submitted.then(
      (result) => {
        const latencyMs = performance.now() - started;
        served.statistics.succeeded(latencyMs, result.queueMs, result.computeMs);
        served.metrics.succeeded(latencyMs, result.queueMs);
        if (this.predictionLog !== undefined && served.logPlan !== undefined)
          this.predictionLog.offer({
            plan: logAs === undefined ? served.logPlan : { ...served.logPlan, deployment: logAs },
            modelName: name,
            modelVersion: served.version,
            requestId: request.id,
            at: Date.now(),
            inputs,
            outputs: result.outputs,
          });
        const outputs: InferOutput[] = [];
        for (const [outputName, tensor] of result.outputs) outputs.push({ name: outputName, ...tensor });
        return {
          modelName: name,
          modelVersion: served.version,
          ...(request.id === undefined ? {} : { id: request.id }),
          outputs,
        };
      },
      (error: unknown) => Promise.reject(this.failed(served, started, error)),
    );
  }

  /** `GET /v2/models[/{name}[/versions/{version}]]/stats`: Triton's `model_stats`. */
  statistics(name?: string, version?: string): { model_stats: ModelStatisticsJson[] } {
    const versions =
      name === undefined
        ? this.manager.all()
        : version === undefined || version === ''
          ? this.requireServed(name)
          : [this.manager.resolve(name, version)];
    return { model_stats: versions.map((v) => v.statistics.toJSON()) };
  }

  /** The repository index: every model the repository holds and every version loaded, loading or failed. */
  async repositoryIndex(): Promise<{ name: string; version?: string; state?: string; reason?: string }[]> {
    const entries: { name: string; version?: string; state?: string; reason?: string }[] = this.manager.index();
    const listed = new Set(entries.map((e) => e.name));
    for (const name of (await this.repository?.names()) ?? []) if (!listed.has(name)) entries.push({ name });
    return entries.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Loads (or reloads) a model from the repository, switching versions without failing requests. */
  async loadModel(name: string): Promise<void> {
    this.refuseEndpoint(name, 'load');
    await this.#load(name);
  }

  async unloadModel(name: string): Promise<void> {
    this.refuseEndpoint(name, 'unload');
    this.expected.delete(name);
    await this.manager.unload(name);
  }

  /** Start-up: loads each model named (all the repository holds when none is). */
  async loadInitialModels(names?: readonly string[]): Promise<void> {
    const chosen = names ?? (await this.repository?.names()) ?? [];
    for (const name of chosen) this.expected.add(name);
    await Promise.all(chosen.map((name) => this.#load(name)));
  }

  async #load(name: string): Promise<void> {
    if (this.repository === undefined)
      throw new OspreyError('INVALID_ARGUMENT', 'this server has no model repository to load models from');
    await this.manager.load(await this.repository.resolve(name));
    this.expected.add(name);
  }

  /** Endpoints follow their deployment (traffic/rollout-controller.ts): the repository API may not move them. */
  private refuseEndpoint(name: string, action: string): void {
    if (this.rollouts.has(name))
      throw new OspreyError(
        'INVALID_ARGUMENT',
        `'${name}' is an endpoint: its versions follow its deployment (osprey deploy, osprey deployments), not ${action}`,
      );
  }

  private requireServed(name: string): ServedVersion[] {
    const versions = this.manager.versionsOf(name);
    if (versions.length === 0) this.manager.resolve(name); // throws NOT_FOUND / UNAVAILABLE
    return versions;
  }

  private failed(served: ServedVersion, started: number, error: unknown): unknown {
    served.statistics.failed(performance.now() - started);
    const reason = failureReason(error);
    served.metrics.failed(reason);
    if (this.#logFailure !== undefined && !isCallersFault(error))
      this.#logFailure(`${served.name}/${served.version}/${reason}`, {
        level: 'error',
        event: 'inference_failed',
        msg: `${served.name} version ${served.version}: inference failed (${reason}): ${errorMessage(error)}`,
        model: served.name,
        version: served.version,
        reason,
      });
    return error;
  }
}

/** Failures the request itself caused, or the server's refusal to queue more: counted in metrics, not logged. */
function isCallersFault(error: unknown): boolean {
  return isOspreyError(error) && ['INVALID_ARGUMENT', 'NOT_FOUND', 'RESOURCE_EXHAUSTED'].includes(error.code);
}

/** A metric label for a failure: the batcher's reason when it gave one, else the error code. */
function failureReason(error: unknown): string {
  if (!isOspreyError(error)) return 'internal';
  const reason = error.details.reason;
  return typeof reason === 'string' ? reason : error.code.toLowerCase();
}

/** The request's `timeout` parameter (microseconds in the queue, Triton's meaning); undefined when absent. */
function timeoutParameter(parameters: Parameters): number | undefined {
  const value = parameters.timeout;
  if (value === undefined) return undefined;
  const timeout = typeof value === 'bigint' ? Number(value) : value;
  if (typeof timeout !== 'number' || !Number.isSafeInteger(timeout) || timeout < 0)
    throw invalidArgument(`parameter "timeout" must be a non-negative integer of microseconds, got ${String(value)}`);
  return timeout;
}

const tensorMetadata = (spec: TensorSpec): TensorMetadata => ({
  name: spec.name,
  datatype: spec.datatype,
  shape: spec.shape ?? [],
});
