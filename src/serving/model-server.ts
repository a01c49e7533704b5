/**
 * Starts the whole model server from its parts: the manager over a runtime, the inference service over a model
 * repository, the REST server and (unless disabled) the gRPC server. The servers listen first — live at once,
 * ready only once every model is loaded and warm — then the models load.
 * `osprey serve`, the tests and the benchmarks all start the server this way.
 */
import type { FastifyInstance } from 'fastify';
import { startGrpcServer } from './grpc/server.js';
import { createServingHttpServer } from './http/server.js';
import { InferenceService } from './inference-service.js';
import { ModelManager } from './model-manager.js';
import type { ModelRepository } from './model-repository.js';
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
}

export interface RunningModelServer {
  readonly service: InferenceService;
  readonly http: FastifyInstance;
  /** e.g. `http://127.0.0.1:8000` */
  readonly httpUrl: string;
  /** e.g. `127.0.0.1:8001`; undefined without gRPC. */
  readonly grpcAddress: string | undefined;
  /** Stops accepting requests, answers those accepted, unloads the models. */
  close(): Promise<void>;
}

export async function startModelServer(options: ModelServerOptions): Promise<RunningModelServer> {
  const manager = new ModelManager(options.runtime);
  const service = new InferenceService(manager, options.repository, options.version);
  const http = createServingHttpServer(
    service,
    options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes },
  );
  await http.listen({ host: options.host, port: options.httpPort });
  const grpc = options.grpcPort === null ? undefined : await startGrpcServer(service, options.host, options.grpcPort);
  const close = async () => {
    await Promise.allSettled([http.close(), grpc?.close()]);
    await manager.close();
  };
  try {
    await service.loadInitialModels(options.models);
  } catch (error) {
    await close();
    throw error;
  }
  service.markStarted();
  const address = http.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.httpPort;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    service,
    http,
    httpUrl: `http://${host}:${port}`,
    grpcAddress: grpc === undefined ? undefined : `${host}:${grpc.port}`,
    close,
  };
}
