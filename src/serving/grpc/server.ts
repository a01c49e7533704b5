/**
 * The model server's gRPC API: `inference.GRPCInferenceService` (protocol/grpc/inference.proto) with
 * ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelInfer, over the same
 * InferenceService as the REST API. ModelInfer answers in the form the request used: raw_output_contents for a
 * request with raw_input_contents, typed contents otherwise (raw when an output is FP16, which has no typed field).
 *
 * Messages are (de)serialised by @grpc/proto-loader's functions for our .proto, except ModelInfer's, which
 * protocol/grpc/wire.ts reads and writes directly; the calls run on a unary gRPC server over node:http2
 * (unary-server.ts). Errors leave through the one status table (status.ts).
 */
import type { MethodDefinition } from '@grpc/proto-loader';
import type { InferenceService } from '../inference-service.js';
import { decodeModelInferRequest } from '../protocol/grpc/codec.js';
import { INFERENCE_SERVICE, loadInferenceProto } from '../protocol/grpc/proto.js';
import { readModelInferRequest } from '../protocol/grpc/wire-read.js';
import { writeModelInferResponseFrame } from '../protocol/grpc/wire-write.js';
import { DEFAULT_MAX_BODY_BYTES } from '../protocol/rest-request.js';
import { grpcError } from './status.js';
import { startUnaryServer, type UnaryMethod } from './unary-server.js';

export interface RunningGrpcServer {
  readonly port: number;
  close(): Promise<void>;
}

type Definitions = Record<string, MethodDefinition<unknown, unknown>>;

export async function startGrpcServer(
  service: InferenceService,
  host: string,
  port: number,
  maxMessageBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<RunningGrpcServer> {
  const definitions = loadInferenceProto()[INFERENCE_SERVICE] as unknown as Definitions;
  /** A method from its request → response function, with the .proto's (de)serialisers around it. */
  const unary = <Req, Res>(name: string, work: (request: Req) => Res | Promise<Res>): [string, UnaryMethod] => {
    const definition = definitions[name]!;
    const encode = (response: Res) => definition.responseSerialize(response) as Buffer;
    return [
      definition.path,
      {
        handle(bytes) {
          const result = work(definition.requestDeserialize(bytes) as Req);
          return result instanceof Promise ? result.then(encode) : encode(result);
        },
      },
    ];
  };
  const methods = new Map<string, UnaryMethod>([
    unary('ServerLive', () => ({ live: service.live() })),
    unary('ServerReady', () => ({ ready: service.ready() })),
    unary('ModelReady', (request: { name: string; version: string }) => ({
      ready: service.modelReady(request.name, request.version || undefined),
    })),
    unary('ServerMetadata', () => service.serverMetadata()),
    unary('ModelMetadata', (request: { name: string; version: string }) => {
      const metadata = service.modelMetadata(request.name, request.version || undefined);
      return { ...metadata, properties: {} };
    }),
    [
      definitions.ModelInfer!.path,
      {
        // The hot path: our own protobuf codec (protocol/grpc/wire.ts), the answer written as a whole frame.
        framed: true,
        handle(bytes) {
          const message = readModelInferRequest(bytes);
          const { modelName, modelVersion, request } = decodeModelInferRequest(message);
          const raw = message.raw_input_contents!.length > 0;
          return service
            .infer(modelName, modelVersion || undefined, request)
            .then((response) => writeModelInferResponseFrame(response, raw));
        },
      },
    ],
  ]);
  const server = await startUnaryServer(host.includes(':') ? host.replace(/^\[|\]$/g, '') : host, port, {
    methods,
    maxMessageBytes,
    toCallError: grpcError,
  });
  return { port: server.port, close: () => server.close() };
}
