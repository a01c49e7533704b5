/**
 * Encodes the body of a successful inference response: the Open Inference Protocol's `$inference_response`
 * (inference_rest.md, "Inference Response JSON Object"), with Triton's binary tensor data extension
 * (extension_binary_data.md) for the outputs that asked for it:
 * - an output is binary when its requested output has `"binary_data": true`, or when it has no such parameter
 *   and the request has `"binary_data_output": true`;
 * - a binary output carries `"parameters": {"binary_data_size": N}` and no `data`; its bytes follow the JSON
 *   in the order of the outputs, and the caller must send `Inference-Header-Content-Length: <JSON length>`
 *   (`inferenceHeaderContentLength` below).
 */
import type { Datatype, TensorDataMap } from '../tensor.js';
import { encodeBinaryData } from './binary-data.js';
import { encodeJsonData } from './json-data.js';
import type { InferenceRequest, InferenceResponse, InferOutput, Parameters } from './types.js';

export interface EncodedRestResponse {
  readonly body: Buffer;
  /** Set when binary data follows the JSON: the value of the Inference-Header-Content-Length header. */
  readonly inferenceHeaderContentLength?: number;
  /** `application/json`, or `application/octet-stream` when binary data follows (as in Triton's examples). */
  readonly contentType: string;
}

/** Whether an output goes back as binary data, by the request's parameters. */
export function wantsBinaryOutput(
  request: Pick<InferenceRequest, 'parameters' | 'outputs'>,
  outputName: string,
): boolean {
  for (const output of request.outputs)
    if (output.name === outputName) {
      const perOutput = output.parameters.binary_data;
      if (typeof perOutput === 'boolean') return perOutput;
      break;
    }
  return request.parameters.binary_data_output === true;
}

export function encodeRestInferResponse(
  response: InferenceResponse,
  request: Pick<InferenceRequest, 'parameters' | 'outputs'>,
): EncodedRestResponse {
  const text = encodeRestInferResponseText(response, request);
  const json = Buffer.from(text.json, 'utf8');
  if (text.binaries.length === 0) return { body: json, contentType: 'application/json' };
  return {
    body: Buffer.concat([json, ...text.binaries]),
    inferenceHeaderContentLength: json.byteLength,
    contentType: 'application/octet-stream',
  };
}

/** The response as its JSON text and the binary outputs' bytes to send after it (none when all are JSON). */
export interface EncodedRestResponseText {
  readonly json: string;
  readonly binaries: readonly Uint8Array[];
}

/**
 * The same response before it becomes one Buffer: the HTTP server hands a JSON-only answer to the socket as text
 * (written with the response head in one call, no intermediate Buffer).
 */
export function encodeRestInferResponseText(
  response: InferenceResponse,
  request: Pick<InferenceRequest, 'parameters' | 'outputs'>,
): EncodedRestResponseText {
  const binaries: Uint8Array[] = [];
  let json = `{"model_name":${JSON.stringify(response.modelName)}`;
  if (response.modelVersion !== undefined) json += `,"model_version":${JSON.stringify(response.modelVersion)}`;
  if (response.id !== undefined) json += `,"id":${JSON.stringify(response.id)}`;
  if (response.parameters !== undefined) json += `,"parameters":${parametersJson(response.parameters)}`;
  json += ',"outputs":[';
  const outputs = response.outputs;
  for (let i = 0; i < outputs.length; i++) {
    const output = outputs[i]!;
    if (i > 0) json += ',';
    if (!wantsBinaryOutput(request, output.name)) json += outputJson(output, undefined);
    else {
      const bytes = encodeBinaryData(output.datatype, output.data);
      binaries.push(bytes);
      json += outputJson(output, bytes.byteLength);
    }
  }
  json += ']}';
  return { json, binaries };
}

function outputJson(output: InferOutput, binarySize: number | undefined): string {
  const head = `"name":${JSON.stringify(output.name)},"datatype":"${output.datatype}","shape":[${output.shape.join(',')}]`;
  if (binarySize !== undefined) return `{${head},"parameters":{"binary_data_size":${binarySize}}}`;
  return `{${head},"data":${encodeJsonData(output.datatype, output.data as TensorDataMap[Datatype])}}`;
}

function parametersJson(parameters: Parameters): string {
  return JSON.stringify(parameters, (_key, value) => (typeof value === 'bigint' ? Number(value) : value));
}
