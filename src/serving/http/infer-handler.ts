/**
 * `POST /v2/models/{name}[/versions/{version}]/infer`: the body (already bounded by the HTTP layer) is decoded by
 * the REST codec (JSON, or JSON then binary tensors when `Inference-Header-Content-Length` is set), run through
 * the InferenceService and encoded back (binary outputs when asked, with the same header on the response). Errors
 * leave through the one status table (errors.ts).
 */
import type { InferenceService } from '../inference-service.js';
import { decodeRestInferRequest, INFERENCE_HEADER_CONTENT_LENGTH } from '../protocol/rest-request.js';
import { encodeRestInferResponseText } from '../protocol/rest-response.js';
import { errorResponse, httpError } from './errors.js';
import type { HttpRequest } from './http1/connection.js';
import type { HttpResponse } from './http1/response.js';

const JSON_HEADERS = { 'content-type': 'application/json' };

export function inferHandler(service: InferenceService, maxBodyBytes: number) {
  return async (request: HttpRequest, model: string, version: string | undefined): Promise<HttpResponse> => {
    try {
      const decoded = decodeRestInferRequest(request.body, {
        inferenceHeaderContentLength: request.headers.get(INFERENCE_HEADER_CONTENT_LENGTH),
        maxBodyBytes,
      });
      const result = await service.infer(model, version, decoded);
      const encoded = encodeRestInferResponseText(result, decoded);
      // JSON only: the text goes to the socket with the response head, in one write and without a Buffer.
      if (encoded.binaries.length === 0) return { status: 200, headers: JSON_HEADERS, body: encoded.json };
      const json = Buffer.from(encoded.json, 'utf8');
      return {
        status: 200,
        headers: {
          'content-type': 'application/octet-stream',
          [INFERENCE_HEADER_CONTENT_LENGTH]: String(json.byteLength),
        },
        body: [json, ...encoded.binaries],
      };
    } catch (error) {
      return errorResponse(httpError(error));
    }
  };
}
