import type { FastifyInstance, FastifyRequest } from 'fastify';
import { normalizeKey, normalizePrefix } from '../../../artifacts/keys.js';
import { invalidArgument } from '../../../core/errors.js';
import { registerMlflowRoutes } from '../../mlflow/route.js';
import type { ApiDeps } from '../../server.js';
import { runArtifactRoutes } from './run-artifacts.js';

/** MLflow's artifact proxy (mlflow_artifacts.proto) under both API roots. */
const ROOTS = ['/api/2.0/mlflow-artifacts/artifacts', '/ajax-api/2.0/mlflow-artifacts/artifacts'];

/**
 * Download (GET), upload (PUT, streamed into the content-addressed store), delete and list artifacts.
 * The path is taken from the raw URL, before any decoding, and checked by `normalizeKey` (decoded until stable):
 * traversal in any encoding is refused with a 400 before the store is touched.
 */
export function registerArtifactRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const { artifacts } = deps;
  registerMlflowRoutes(app, runArtifactRoutes(deps.store, artifacts));
  app.register(async (scope) => {
    // Uploads stream: no body parser buffers them, whatever content type the client sends.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    for (const root of ROOTS) {
      scope.get(root, { config: { access: 'read' } }, async (request) => {
        const query = request.query as Record<string, unknown>;
        const raw = typeof query.path === 'string' ? query.path : '';
        const prefix = normalizePrefix(raw);
        const entries = await artifacts.list(prefix);
        return {
          files: entries.map((e) => ({
            path: e.path.slice(e.path.lastIndexOf('/') + 1),
            is_dir: e.isDir,
            ...(e.isDir ? {} : { file_size: e.size }),
          })),
        };
      });
      scope.get(`${root}/*`, { config: { access: 'read' } }, async (request, reply) => {
        const key = keyOf(request, root);
        const stream = await artifacts.get(key);
        const info = await artifacts.stat(key);
        reply.header('content-type', 'application/octet-stream');
        if (info) reply.header('content-length', info.size);
        return reply.send(stream);
      });
      scope.put(`${root}/*`, { config: { access: 'write' } }, async (request) => {
        await artifacts.put(keyOf(request, root), request.raw);
        return {};
      });
      scope.delete(`${root}/*`, { config: { access: 'write' } }, async (request) => {
        await artifacts.delete(keyOf(request, root));
        return {};
      });
    }
  });
}

/** The artifact path exactly as sent (still percent-encoded), validated. */
function keyOf(request: FastifyRequest, root: string): string {
  const path = request.url.split('?')[0] ?? '';
  if (!path.startsWith(`${root}/`)) throw invalidArgument(`artifact path missing in ${JSON.stringify(path)}`);
  return normalizeKey(path.slice(root.length + 1));
}
