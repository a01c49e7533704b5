/**
 * The model server's gRPC API: `inference.GRPCInferenceService` (protocol/grpc/inference.proto) with
 * ServerLive, ServerReady, ModelReady, ServerMetadata, ModelMetadata and ModelInfer, over the same
 * InferenceService as the REST API. ModelInfer answers in the form the request used: raw_output_contents for a
 * request with raw_input_contents, typed contents otherwise (raw when an output is FP16, which has no typed field).
 */
import {
  loadPackageDefinition,
  Server,
  ServerCredentials,
  type ServerUnaryCall,
  type ServiceDefinition,
  type sendUnaryData,
} from '@grpc/grpc-js';
import { errorMessage, OspreyError } from '../../core/errors.js';
import type { InferenceService } from '../inference-service.js';
import { decodeModelInferRequest, encodeModelInferResponse } from '../protocol/grpc/codec.js';
import { loadInferenceProto, type ModelInferRequestMessage } from '../protocol/grpc/proto.js';
import { DEFAULT_MAX_BODY_BYTES } from '../protocol/rest-request.js';
import { grpcError } from './status.js';

export interface RunningGrpcServer {
  readonly port: number;
  close(): Promise<void>;
}

type Unary<Req, Res> = (call: ServerUnaryCall<Req, Res>, callback: sendUnaryData<Res>) => void;

/** A unary handler from an async function: its result or its error (through the status table) ends the call. */
function unary<Req, Res>(work: (request: Req) => Res | Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    let result: Res | Promise<Res>;
    try {
      result = work(call.request);
    } catch (error) {
      callback(grpcError(error));
      return;
    }
    if (result instanceof Promise)
      result.then(
        (value) => callback(null, value),
        (error: unknown) => callback(grpcError(error)),
      );
    else callback(null, result);
  };
}

export async function startGrpcServer(
  service: InferenceService,
  host: string,
  port: number,
  maxMessageBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<RunningGrpcServer> {
  const loaded = loadPackageDefinition(loadInferenceProto()) as unknown as {
    inference: { GRPCInferenceService: { service: ServiceDefinition } };
  };
  const server = new Server({
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.max_send_message_length': maxMessageBytes,
  });
  server.addService(loaded.inference.GRPCInferenceService.service, {
    ServerLive: unary(() => ({ live: service.live() })),
    ServerReady: unary(() => ({ ready: service.ready() })),
    ModelReady: unary((request: { name: string; version: string }) => ({
      ready: service.modelReady(request.name, request.version || undefined),
    })),
    ServerMetadata: unary(() => service.serverMetadata()),
    ModelMetadata: unary((request: { name: string; version: string }) => {
      const metadata = service.modelMetadata(request.name, request.version || undefined);
      return { ...metadata, properties: {} };
    }),
    ModelInfer: unary((message: ModelInferRequestMessage) => {
      const { modelName, modelVersion, request } = decodeModelInferRequest(message);
      const raw = (message.raw_input_contents?.length ?? 0) > 0;
      return service
        .infer(modelName, modelVersion || undefined, request)
        .then((response) => encodeModelInferResponse(response, { raw }));
    }),
  });
  const address = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  const bound = await new Promise<number>((resolve, reject) =>
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, boundPort) =>
      error
        ? reject(new OspreyError('UNAVAILABLE', `cannot listen for gRPC on ${address}: ${errorMessage(error)}`))
        : resolve(boundPort),
    ),
  );
  return {
    port: bound,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 5000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
