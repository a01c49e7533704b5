/**
 * The REST API's routes other than inference: health (`/v2/health/live`, `/v2/health/ready`), server and model
 * metadata and readiness, Triton's model repository extension (`POST /v2/repository/index`,
 * `/v2/repository/models/{name}/load|unload`) and statistics extension (`GET /v2/models[/{name}[/versions/{v}]]/stats`),
 * and Prometheus metrics at `/metrics`. Each is a method, a path pattern and what it answers; server.ts matches them.
 */
import { invalidArgument } from '../../core/errors.js';
import type { InferenceService } from '../inference-service.js';
import type { HttpResponse } from './http1/response.js';

export interface Route {
  readonly method: 'GET' | 'POST';
  /** Matched against the whole path; its groups are the (still percent-encoded) model and version. */
  readonly path: RegExp;
  answer(params: readonly (string | undefined)[], body: Buffer): HttpResponse | Promise<HttpResponse>;
}

const MODEL = '/v2/models/([^/]+)(?:/versions/([^/]+))?';

export function modelRoutes(service: InferenceService): Route[] {
  const get = (path: string, answer: Route['answer']): Route => ({ method: 'GET', path: exact(path), answer });
  const post = (path: string, answer: Route['answer']): Route => ({ method: 'POST', path: exact(path), answer });
  return [
    get('/v2/health/live', () => json(service.live() ? 200 : 503, { live: service.live() })),
    get('/v2/health/ready', () => {
      const ready = service.ready();
      return json(ready ? 200 : 503, { ready });
    }),
    get('/v2', () => json(200, service.serverMetadata())),
    // Before the model routes: a model called "stats" is reached through /v2/models/stats/versions/….
    get('/v2/models/stats', () => json(200, service.statistics())),
    get(MODEL, ([model, version]) => json(200, service.modelMetadata(model!, version))),
    get(`${MODEL}/ready`, ([model, version]) => {
      const ready = service.modelReady(model!, version);
      return json(ready ? 200 : 503, { name: model, ready });
    }),
    get(`${MODEL}/stats`, ([model, version]) => json(200, service.statistics(model!, version))),
    post('/v2/repository/index', async (_params, body) => {
      const { ready } = jsonBody(body);
      const entries = await service.repositoryIndex();
      return json(200, ready === true ? entries.filter((e) => e.state === 'READY') : entries);
    }),
    post('/v2/repository/models/([^/]+)/load', async ([model], body) => {
      jsonBody(body);
      await service.loadModel(model!);
      return json(200, {});
    }),
    post('/v2/repository/models/([^/]+)/unload', async ([model], body) => {
      jsonBody(body);
      await service.unloadModel(model!);
      return json(200, {});
    }),
    get('/metrics', async () => {
      const { body, contentType } = await service.manager.metrics.expose();
      return { status: 200, headers: { 'content-type': contentType }, body };
    }),
  ];
}

function exact(path: string): RegExp {
  return new RegExp(`^${path}$`);
}

function json(status: number, value: unknown): HttpResponse {
  return { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) };
}

/** An optional JSON object body (the repository extension's requests); empty means `{}`. */
function jsonBody(body: Buffer): Record<string, unknown> {
  if (body.byteLength === 0) return {};
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
