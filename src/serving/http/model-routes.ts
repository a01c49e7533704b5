/**
 * The REST API's routes other than inference: health (`/v2/health/live`, `/v2/health/ready`), server and model
 * metadata and readiness, Triton's model repository extension (`POST /v2/repository/index`,
 * `/v2/repository/models/{name}/load|unload`) and statistics extension (`GET /v2/models[/{name}[/versions/{v}]]/stats`),
 * and Prometheus metrics at `/metrics`.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { invalidArgument } from '../../core/errors.js';
import type { InferenceService } from '../inference-service.js';

interface ModelParams {
  model: string;
  version?: string;
}

type Params = { Params: ModelParams };

export function registerModelRoutes(app: FastifyInstance, service: InferenceService): void {
  app.get('/v2/health/live', (_request, reply) => json(reply, service.live() ? 200 : 503, { live: service.live() }));
  app.get('/v2/health/ready', (_request, reply) => {
    const ready = service.ready();
    return json(reply, ready ? 200 : 503, { ready });
  });
  app.get('/v2', (_request, reply) => json(reply, 200, service.serverMetadata()));

  for (const prefix of ['/v2/models/:model', '/v2/models/:model/versions/:version']) {
    app.get<Params>(prefix, (request, reply) =>
      json(reply, 200, service.modelMetadata(request.params.model, request.params.version)),
    );
    app.get<Params>(`${prefix}/ready`, (request, reply) => {
      const ready = service.modelReady(request.params.model, request.params.version);
      return json(reply, ready ? 200 : 503, { name: request.params.model, ready });
    });
    app.get<Params>(`${prefix}/stats`, (request, reply) =>
      json(reply, 200, service.statistics(request.params.model, request.params.version)),
    );
  }
  app.get('/v2/models/stats', (_request, reply) => json(reply, 200, service.statistics()));

  app.post('/v2/repository/index', async (request, reply) => {
    const { ready } = jsonBody(request.body);
    const entries = await service.repositoryIndex();
    return json(reply, 200, ready === true ? entries.filter((e) => e.state === 'READY') : entries);
  });
  app.post<Params>('/v2/repository/models/:model/load', async (request, reply) => {
    jsonBody(request.body);
    await service.loadModel(request.params.model);
    return json(reply, 200, {});
  });
  app.post<Params>('/v2/repository/models/:model/unload', async (request, reply) => {
    jsonBody(request.body);
    await service.unloadModel(request.params.model);
    return json(reply, 200, {});
  });

  app.get('/metrics', async (_request, reply) => {
    const { body, contentType } = await service.manager.metrics.expose();
    return reply.code(200).type(contentType).send(body);
  });
}

function json(reply: FastifyReply, status: number, value: unknown): FastifyReply {
  return reply.code(status).type('application/json').send(JSON.stringify(value));
}

/** An optional JSON object body (the repository extension's requests); empty means `{}`. */
function jsonBody(body: unknown): Record<string, unknown> {
  if (!Buffer.isBuffer(body) || body.byteLength === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (cause) {
    throw invalidArgument(`the request body must be a JSON object: ${(cause as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidArgument('the request body must be a JSON object');
  return value as Record<string, unknown>;
}
