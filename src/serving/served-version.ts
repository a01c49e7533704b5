/**
 * One loaded model version as the server holds it: its instances (one runtime session each), the dynamic
 * batcher in front of them, its statistics and its labelled metrics. It is built complete (every instance
 * loaded and warm) before the model manager makes it visible, and unloaded by draining first.
 */
import { DynamicBatcher } from './batcher/dynamic-batcher.js';
import { type ModelConfig, ownThreadFor } from './model-config.js';
import type { VersionToLoad } from './model-repository.js';
import type { ServingMetrics, VersionMetrics } from './observability/metrics.js';
import { VersionStatistics } from './observability/statistics.js';
import { type LogPlan, logPlan } from './prediction-log/log-plan.js';
import type { LoadedModel, ModelRuntime, ModelSignature, TensorSpec } from './runtime.js';

export type VersionState = 'READY' | 'UNLOADING';

export class ServedVersion {
  state: VersionState = 'READY';
  readonly signature: ModelSignature;
  readonly batcher: DynamicBatcher;
  readonly statistics: VersionStatistics;
  /** What the prediction log records for this version; undefined when logging is off. */
  readonly logPlan: LogPlan | undefined;

  private constructor(
    readonly name: string,
    readonly version: string,
    readonly config: ModelConfig,
    readonly platform: string,
    private readonly instances: readonly LoadedModel[],
    readonly metrics: VersionMetrics,
  ) {
    this.signature = instances[0]!.signature;
    this.logPlan = logPlan(name, this.signature, config.logging, batchable(this.signature));
    this.statistics = new VersionStatistics(name, version);
    const batching = batchable(this.signature) ? config.batching : { ...config.batching, maxBatchSize: 0 };
    this.batcher = new DynamicBatcher(instances, batching, ({ rows, computeMs }) => {
      this.statistics.batch(rows, computeMs);
      metrics.batch(rows, computeMs);
    });
  }

  /** Loads `config.instanceCount` sessions (each warmed up by the runtime) and the batcher over them. */
  static async load(
    runtime: ModelRuntime,
    name: string,
    toLoad: VersionToLoad,
    config: ModelConfig,
    metrics: ServingMetrics,
  ): Promise<ServedVersion> {
    const options = {
      warmUp: config.warmUp,
      intraOpThreads: config.intraOpThreads,
      interOpThreads: config.interOpThreads,
      ownThread: ownThreadFor(config),
    };
    const loaded = await Promise.allSettled(
      Array.from({ length: config.instanceCount }, () => runtime.load(toLoad.source, options)),
    );
    const instances = loaded.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const failure = loaded.find((r) => r.status === 'rejected');
    try {
      if (failure !== undefined) throw failure.reason;
      return new ServedVersion(
        name,
        toLoad.version,
        config,
        runtime.name,
        instances,
        metrics.forVersion(name, toLoad.version),
      );
    } catch (error) {
      await Promise.allSettled(instances.map((i) => i.close()));
      throw error;
    }
  }

  /** Waits for every queued and running request to be answered, then frees the sessions. */
  async unload(): Promise<void> {
    this.state = 'UNLOADING';
    await this.batcher.drain();
    this.batcher.close();
    await Promise.allSettled(this.instances.map((instance) => instance.close()));
  }
}

/**
 * Whether requests to a model can be joined along dimension 0: every input and output declares a variable first
 * dimension. Otherwise the version runs each request alone (max_batch_size 0), whatever the configuration says.
 */
export function batchable(signature: ModelSignature): boolean {
  const variableFirst = (spec: TensorSpec) => spec.shape !== null && spec.shape.length > 0 && spec.shape[0] === -1;
  return signature.inputs.every(variableFirst) && signature.outputs.every(variableFirst);
}
