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
  const perOutput = request.outputs.find((o) => o.name === outputName)?.parameters.binary_data;
  if (typeof perOutput === 'boolean') return perOutput;
  return request.parameters.binary_data_output === true;
}

export function encodeRestInferResponse(
  response: InferenceResponse,
  request: Pick<InferenceRequest, 'parameters' | 'outputs'>,
): EncodedRestResponse {
  const binaries: Uint8Array[] = [];
  const outputs = response.outputs.map((output) => {
    if (!wantsBinaryOutput(request, output.name)) return outputJson(output, undefined);
    const bytes = encodeBinaryData(output.datatype, output.data);
    binaries.push(bytes);
    return outputJson(output, bytes.byteLength);
  });
  const header = [
    `"model_name":${JSON.stringify(response.modelName)}`,
    ...(response.modelVersion === undefined ? [] : [`"model_version":${JSON.stringify(response.modelVersion)}`]),
    ...(response.id === undefined ? [] : [`"id":${JSON.stringify(response.id)}`]),
    ...(response.parameters === undefined ? [] : [`"parameters":${parametersJson(response.parameters)}`]),
    `"outputs":[${outputs.join(',')}]`,
  ];
  const json = Buffer.from(`{${header.join(',')}}`, 'utf8');
  if (binaries.length === 0) return { body: json, contentType: 'application/json' };
  return {
    body: Buffer.concat([json, ...binaries]),
    inferenceHeaderContentLength: json.byteLength,
    contentType: 'application/octet-stream',
  };
}

function outputJson(output: InferOutput, binarySize: number | undefined): string {
  const head = `"name":${JSON.stringify(output.name)},"datatype":"${output.datatype}","shape":[${output.shape.join(',')}]`;
  if (binarySize !== undefined) return `{${head},"parameters":{"binary_data_size":${binarySize}}}`;
  return `{${head},"data":${encodeJsonData(output.datatype, output.data as TensorDataMap[Datatype])}}`;
}

function parametersJson(parameters: Parameters): string {
  return JSON.stringify(parameters, (_key, value) => (typeof value === 'bigint' ? Number(value) : value));
}
