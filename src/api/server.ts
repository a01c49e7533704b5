import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { isOspreyError } from '../core/errors.js';
import type { RunStarter } from '../pipelines/triggers/trigger-service.js';
import type { RunLookup } from '../registry/sources.js';
import type { MetadataStore } from '../store/metadata-store.js';
import { registerAuth, type TokenResolver } from './auth.js';
import { MLFLOW_ERRORS } from './mlflow/errors.js';
import { registerRoutes } from './routes/index.js';

export interface ApiDeps {
  store: MetadataStore;
  artifacts: ArtifactStore;
  /** Present when authentication is on: resolves bearer tokens. */
  tokens?: TokenResolver;
  /** Resolves a run's artifact URI, so model versions can be registered from `runs:/<run_id>/<path>` sources. */
  runs?: RunLookup;
  /** Starts pipeline runs for triggers; without it, trigger events record that no runner is configured. */
  startRun?: RunStarter;
  version: string;
  /** Largest JSON body accepted (artifact uploads stream and are not bounded by this). */
  bodyLimitBytes?: number;
}

export const DEFAULT_BODY_LIMIT = 16 * 1024 * 1024;

/**
 * The control-plane HTTP server: Osprey's own API and the MLflow-compatible one. Receives interfaces only; the
 * composition root (`osprey server`) constructs the stores. Every error leaves as MLflow's JSON shape.
 */
export function createApiServer(deps: ApiDeps): FastifyInstance {
  const app = Fastify({
    bodyLimit: deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT,
    logger: false,
    keepAliveTimeout: 65_000,
    return503OnClosing: true,
    // A URL the router cannot decode (e.g. overlong UTF-8 such as %c0%ae) is the client's error, in MLflow's shape.
    frameworkErrors: (error, _request, reply) =>
      (reply as unknown as FastifyReply)
        .code(400)
        .send({ error_code: 'INVALID_PARAMETER_VALUE', message: `invalid request: ${error.message}` }),
  });
  registerAuth(app, deps.tokens);
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    if (isOspreyError(error)) {
      const mapped = MLFLOW_ERRORS[error.code];
      return reply.code(mapped.status).send({ error_code: mapped.errorCode, message: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const errorCode = status === 413 ? 'RESOURCE_EXHAUSTED' : 'BAD_REQUEST';
      return reply.code(status).send({ error_code: errorCode, message: error.message });
    }
    return reply.code(500).send({ error_code: 'INTERNAL_ERROR', message: `internal error: ${error.message}` });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No API endpoint ${request.method} ${request.url.split('?')[0]}`,
    }),
  );
  app.get('/health', async () => 'OK');
  app.get('/version', async () => deps.version);
  registerRoutes(app, deps);
  return app;
}
