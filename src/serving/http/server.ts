/**
 * The model server's REST API (Fastify): the Open Inference Protocol V2 with Triton's binary tensor data,
 * model repository and statistics extensions, and Prometheus metrics at `/metrics`. It receives the
 * InferenceService (interfaces only); `osprey serve` is its composition root.
 *
 * Inference requests are answered on the `http` server before Fastify sees them (infer-handler.ts: the hot path
 * measured at about half the throughput through Fastify's routing and reply machinery). Other bodies are taken raw
 * (a Buffer, whatever the content type, bounded by `maxBodyBytes`) and decoded where used.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { InferenceService } from '../inference-service.js';
import { DEFAULT_MAX_BODY_BYTES } from '../protocol/rest-request.js';
import { edgeError, httpError, sendError } from './errors.js';
import { inferHandler, matchInfer } from './infer-handler.js';
import { registerModelRoutes } from './model-routes.js';

export interface ServingHttpOptions {
  /** Largest request body accepted (JSON and binary data together). */
  readonly maxBodyBytes?: number;
}

export function createServingHttpServer(service: InferenceService, options: ServingHttpOptions = {}): FastifyInstance {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const infer = inferHandler(service, maxBodyBytes);
  const app = Fastify({
    serverFactory: (fastifyHandler) =>
      createServer((request: IncomingMessage, response: ServerResponse) => {
        const target = matchInfer(request);
        if (target === undefined) fastifyHandler(request, response);
        else infer(request, response, target);
      }),
    bodyLimit: maxBodyBytes,
    logger: false,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    frameworkErrors: (error, _request, reply) =>
      sendError(
        reply as unknown as FastifyReply,
        edgeError(400, 'INVALID_ARGUMENT', `invalid request: ${error.message}`),
      ),
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (error.statusCode !== undefined && error.statusCode < 500 && error.code?.startsWith('FST_'))
      return sendError(reply, edgeError(error.statusCode, 'INVALID_ARGUMENT', error.message));
    return sendError(reply, httpError(error));
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(reply, edgeError(404, 'NOT_FOUND', `no endpoint ${request.method} ${request.url.split('?')[0]}`)),
  );
  registerModelRoutes(app, service);
  return app;
}
