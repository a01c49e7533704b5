/**
 * `POST /v2/models/{name}[/versions/{version}]/infer`, handled on Node's `http` request directly (the hot path
 * skips Fastify's routing, hooks and body parsing; everything else goes through Fastify): the body is read up to
 * `maxBodyBytes`, decoded by the REST codec (JSON, or JSON then binary tensors when
 * `Inference-Header-Content-Length` is set), run through the InferenceService and encoded back (binary outputs
 * when asked, with the same header on the response). Errors leave through the one status table (errors.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InferenceService } from '../inference-service.js';
import { decodeRestInferRequest, INFERENCE_HEADER_CONTENT_LENGTH } from '../protocol/rest-request.js';
import { encodeRestInferResponseText } from '../protocol/rest-response.js';
import { edgeError, type HttpError, httpError } from './errors.js';

const INFER_PATH = /^\/v2\/models\/([^/?]+)(?:\/versions\/([^/?]+))?\/infer(?:\?.*)?$/;

/** The model and version of an infer URL, or undefined when the request is not an inference. */
export function matchInfer(request: IncomingMessage): { model: string; version: string | undefined } | undefined {
  if (request.method !== 'POST') return undefined;
  const match = INFER_PATH.exec(request.url ?? '');
  if (match === null) return undefined;
  try {
    return {
      model: decodeURIComponent(match[1]!),
      version: match[2] === undefined ? undefined : decodeURIComponent(match[2]),
    };
  } catch {
    return undefined; // an undecodable name: Fastify answers it with its 400
  }
}

export function inferHandler(service: InferenceService, maxBodyBytes: number) {
  return (
    request: IncomingMessage,
    response: ServerResponse,
    target: { model: string; version: string | undefined },
  ) => {
    const declared = Number(request.headers['content-length']);
    if (declared > maxBodyBytes) return refuseBody(request, response, maxBodyBytes);
    const chunks: Buffer[] = [];
    let received = 0;
    let refused = false;
    request.on('data', (chunk: Buffer) => {
      if (refused) return;
      received += chunk.byteLength;
      if (received > maxBodyBytes) {
        refused = true;
        chunks.length = 0;
        refuseBody(request, response, maxBodyBytes);
      } else chunks.push(chunk);
    });
    request.on('end', () => {
      if (refused) return;
      const body = chunks.length === 1 ? chunks[0]! : joinAligned(chunks, received, request);
      void answer(service, request, response, target, body, maxBodyBytes);
    });
  };
}

async function answer(
  service: InferenceService,
  request: IncomingMessage,
  response: ServerResponse,
  target: { model: string; version: string | undefined },
  body: Buffer,
  maxBodyBytes: number,
): Promise<void> {
  try {
    const header = request.headers[INFERENCE_HEADER_CONTENT_LENGTH];
    const decoded = decodeRestInferRequest(body, {
      inferenceHeaderContentLength: Array.isArray(header) ? header[0] : header,
      maxBodyBytes,
    });
    const result = await service.infer(target.model, target.version, decoded);
    const encoded = encodeRestInferResponseText(result, decoded);
    if (encoded.binaries.length === 0) {
      // JSON only: the text goes to the socket with the response head, in one write and without a Buffer.
      response.writeHead(200, ['content-type', 'application/json', 'content-length', Buffer.byteLength(encoded.json)]);
      response.end(encoded.json);
      return;
    }
    const json = Buffer.from(encoded.json, 'utf8');
    const answered = Buffer.concat([json, ...encoded.binaries]);
    response.writeHead(200, [
      'content-type',
      'application/octet-stream',
      'content-length',
      answered.byteLength,
      INFERENCE_HEADER_CONTENT_LENGTH,
      json.byteLength,
    ]);
    response.end(answered);
  } catch (error) {
    sendRaw(response, httpError(error));
  }
}

/**
 * Joins a body read in several chunks (the copy is needed anyway) so that the binary tensor data after the JSON
 * header starts 8-byte aligned: the binary codec can then view the elements in place instead of copying them again.
 */
function joinAligned(chunks: readonly Buffer[], length: number, request: IncomingMessage): Buffer {
  const header = Number(request.headers[INFERENCE_HEADER_CONTENT_LENGTH]);
  const pad = Number.isSafeInteger(header) && header >= 0 ? (8 - (header % 8)) % 8 : 0;
  const body = Buffer.from(new ArrayBuffer(pad + length), pad, length);
  let offset = 0;
  for (const chunk of chunks) {
    chunk.copy(body, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/** 413, and the connection closed: the rest of the body is neither read nor kept. */
function refuseBody(request: IncomingMessage, response: ServerResponse, maxBodyBytes: number): void {
  sendRaw(
    response,
    edgeError(413, 'INVALID_ARGUMENT', `the request body is larger than the limit of ${maxBodyBytes} bytes`),
    { connection: 'close' },
  );
  request.resume();
}

function sendRaw(response: ServerResponse, error: HttpError, extra: Record<string, string> = {}): void {
  if (response.headersSent) return;
  const body = Buffer.from(error.body);
  response.writeHead(error.status, {
    ...error.headers,
    ...extra,
    'content-type': 'application/json',
    'content-length': body.byteLength,
  });
  response.end(body);
}
