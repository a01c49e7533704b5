/**
 * The model server's REST API: the Open Inference Protocol V2 with Triton's binary tensor data, model repository
 * and statistics extensions, and Prometheus metrics at `/metrics`, served by our HTTP/1.1 layer (http1/, on
 * `node:net`). It receives the InferenceService (interfaces only); `osprey serve` is its composition root.
 *
 * Inference is matched first (the hot path: one regular expression); the other routes (model-routes.ts) are
 * tried in order. HEAD is answered as GET without the body. Paths are matched before percent-decoding, so an
 * encoded `/` stays inside the model name.
 */
import type { ErrorCode } from '../../core/errors.js';
import { invalidArgument } from '../../core/errors.js';
import type { InferenceService } from '../inference-service.js';
import { DEFAULT_MAX_BODY_BYTES } from '../protocol/rest-request.js';
import { edgeError, errorResponse, httpError } from './errors.js';
import type { HttpRequest } from './http1/connection.js';
import type { HttpResponse } from './http1/response.js';
import { Http1Server } from './http1/server.js';
import { inferHandler } from './infer-handler.js';
import { modelRoutes } from './model-routes.js';

export interface ServingHttpOptions {
  /** Largest request body accepted (JSON and binary data together). */
  readonly maxBodyBytes?: number;
}

const INFER_PATH = /^\/v2\/models\/([^/]+)(?:\/versions\/([^/]+))?\/infer$/;

export function startServingHttpServer(
  service: InferenceService,
  host: string,
  port: number,
  options: ServingHttpOptions = {},
): Promise<Http1Server> {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const infer = inferHandler(service, maxBodyBytes);
  const routes = modelRoutes(service);

  const handler = async (request: HttpRequest): Promise<HttpResponse> => {
    const query = request.target.indexOf('?');
    const path = query === -1 ? request.target : request.target.slice(0, query);
    try {
      if (request.method === 'POST') {
        const match = INFER_PATH.exec(path);
        if (match !== null) {
          const [model, version] = decodeParams(match);
          return await infer(request, model!, version);
        }
      }
      const method = request.method === 'HEAD' ? 'GET' : request.method;
      for (const route of routes) {
        if (route.method !== method) continue;
        const match = route.path.exec(path);
        if (match !== null) return await route.answer(decodeParams(match), request.body);
      }
      return errorResponse(edgeError(404, 'NOT_FOUND', `no endpoint ${request.method} ${path}`));
    } catch (error) {
      return errorResponse(httpError(error));
    }
  };

  return Http1Server.listen(host, port, { handler, refusal, maxBodyBytes });
}

/** A request refused by the HTTP layer, in the same error shape as the rest of the API. */
function refusal(status: number, message: string): HttpResponse {
  const code: ErrorCode = status === 503 ? 'UNAVAILABLE' : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
  const response = errorResponse(edgeError(status, code, message));
  return status === 503 ? { ...response, headers: { ...response.headers, 'retry-after': '1' } } : response;
}

function decodeParams(match: RegExpExecArray): (string | undefined)[] {
  return match.slice(1).map((part) => {
    if (part === undefined || !part.includes('%')) return part;
    try {
      return decodeURIComponent(part);
    } catch {
      throw invalidArgument(`malformed percent-encoding in ${JSON.stringify(part)}`);
    }
  });
}
