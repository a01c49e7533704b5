/**
 * Starts the whole model server from its parts: the manager over a runtime, the inference service over a model
 * repository, the REST server and (unless disabled) the gRPC server. The servers listen first — live at once,
 * ready only once every model is loaded and warm — then the models load.
 * `osprey serve`, the tests and the benchmarks all start the server this way.
 */
import { startGrpcServer } from './grpc/server.js';
import { startServingHttpServer } from './http/server.js';
import { InferenceService } from './inference-service.js';
import { ModelManager } from './model-manager.js';
import type { ModelRepository } from './model-repository.js';
import type { ServerLog } from './observability/server-log.js';
import { PredictionLogger, type PredictionLoggerOptions } from './prediction-log/prediction-logger.js';
import { type StoreOpener, WorkerWriter } from './prediction-log/worker-writer.js';
import { inThreadWriter, type PredictionSink } from './prediction-log/writers.js';
import type { ModelRuntime } from './runtime.js';

export interface ModelServerOptions {
  readonly runtime: ModelRuntime;
  readonly repository: ModelRepository;
  /** Models to load at start-up; all the repository holds when omitted. */
  readonly models?: readonly string[];
  readonly host: string;
  /** REST port (0: any free port). */
  readonly httpPort: number;
  /** gRPC port (0: any free port); null: no gRPC server. */
  readonly grpcPort: number | null;
  readonly version: string;
  readonly maxBodyBytes?: number;
  /**
   * The prediction log to write successful predictions to: the metadata store's `predictions` (written on this
   * thread), or how a worker thread opens the store (written there, off the event loop); none: nothing is logged.
   * Each model's `logging` configuration says what is recorded.
   */
  readonly predictionLog?: PredictionSink | StoreOpener;
  /** Queue bounds and flush timing of the prediction log (prediction-log/prediction-logger.ts). */
  readonly predictionLogOptions?: Omit<PredictionLoggerOptions, 'registry'>;
  /** Where the server tells what happened (failures of inference); nothing when omitted. */
  readonly log?: ServerLog;
  /** Runs before the servers listen (e.g. routes endpoints, so no request can reach a version unrouted). */
  readonly prepare?: (service: InferenceService) => Promise<void>;
}

export interface RunningModelServer {
  readonly service: InferenceService;
  /** e.g. `http://127.0.0.1:8000` */
  readonly httpUrl: string;
  /** e.g. `127.0.0.1:8001`; undefined without gRPC. */
  readonly grpcAddress: string | undefined;
  /** The prediction log's queue, when the server has one. */
  readonly predictionLogger: PredictionLogger | undefined;
  /** Stops accepting requests, answers those accepted, unloads the models, writes the queued predictions. */
  close(): Promise<void>;
}

export async function startModelServer(options: ModelServerOptions): Promise<RunningModelServer> {
  const manager = new ModelManager(options.runtime);
  const log = options.predictionLog;
  const writer = log === undefined ? undefined : 'append' in log ? inThreadWriter(log) : await WorkerWriter.start(log);
  const predictionLogger =
    writer === undefined
      ? undefined
      : new PredictionLogger(writer, { ...options.predictionLogOptions, registry: manager.metrics.registry });
  const service = new InferenceService(manager, options.repository, options.version, predictionLogger, options.log);
  try {
    await options.prepare?.(service);
  } catch (error) {
    await manager.close();
    await predictionLogger?.close();
    throw error;
  }
  const http = await startServingHttpServer(
    service,
    options.host,
    options.httpPort,
    options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes },
  );
  const grpc =
    options.grpcPort === null
      ? undefined
      : await startGrpcServer(service, options.host, options.grpcPort, options.maxBodyBytes);
  const close = async () => {
    await Promise.allSettled([http.close(), grpc?.close()]);
    await manager.close();
    await predictionLogger?.close();
  };
  try {
    await service.loadInitialModels(options.models);
  } catch (error) {
    await close();
    throw error;
  }
  service.markStarted();
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    service,
    httpUrl: `http://${host}:${http.port}`,
    grpcAddress: grpc === undefined ? undefined : `${host}:${grpc.port}`,
    predictionLogger,
    close,
  };
}
