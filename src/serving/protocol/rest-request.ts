/**
 * Decodes the body of `POST /v2/models/{name}[/versions/{version}]/infer`:
 * - the Open Inference Protocol's `$inference_request` JSON object (inference_rest.md, "Inference Request
 *   JSON Object"), inputs carrying `data` as JSON;
 * - Triton's binary tensor data extension (extension_binary_data.md): when the `Inference-Header-Content-Length`
 *   header is present, the body is that many bytes of JSON followed by the binary data of the inputs whose
 *   parameters carry `binary_data_size`, "in the same order as the order of the input [...] tensors are
 *   specified in the JSON", every byte accounted for.
 *
 * Only the transport's consistency is checked here (well-formed JSON, known datatypes, shapes of non-negative
 * integers, data matching shape and datatype, binary sizes adding up); validation.ts then checks the request
 * against the model's signature.
 */
import { invalidArgument } from '../../core/errors.js';
import { isDatatype } from '../tensor.js';
import { decodeBinaryData } from './binary-data.js';
import { decodeJsonData } from './json-data.js';
import { booleanParameter, parseJsonParameters, sizeParameter } from './parameters.js';
import { elementCountOf, parseShape } from './shape.js';
import type { InferenceRequest, InferInput, RequestedOutput } from './types.js';

/** The header of the binary tensor data extension (HTTP header names are case-insensitive). */
export const INFERENCE_HEADER_CONTENT_LENGTH = 'inference-header-content-length';

/** The default bound on a request body, JSON and binary data together. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;

export interface RestRequestOptions {
  /** The `Inference-Header-Content-Length` header as received, or undefined when the request has none. */
  readonly inferenceHeaderContentLength?: string | undefined;
  readonly maxBodyBytes?: number;
}

export function decodeRestInferRequest(body: Uint8Array, options: RestRequestOptions = {}): InferenceRequest {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (body.byteLength > maxBodyBytes)
    throw invalidArgument(`the request body is ${body.byteLength} bytes, more than the limit of ${maxBodyBytes} bytes`);
  const headerLength = parseHeaderLength(options.inferenceHeaderContentLength, body.byteLength);
  const request = parseJsonObject(body.subarray(0, headerLength ?? body.byteLength), headerLength);
  const binary = body.subarray(headerLength ?? body.byteLength);

  if (request.id !== undefined && typeof request.id !== 'string') throw invalidArgument('"id" must be a string');
  const parameters = parseJsonParameters(request.parameters, 'the request');
  booleanParameter(parameters, 'binary_data_output', 'the request');
  if (!Array.isArray(request.inputs)) throw invalidArgument('"inputs" must be an array of input tensors');

  let offset = 0; // into the binary data
  const inputs = request.inputs.map((raw: unknown, position: number): InferInput => {
    const input = asObject(raw, `input #${position}`);
    if (typeof input.name !== 'string' || input.name === '')
      throw invalidArgument(`input #${position}: "name" must be a non-empty string`);
    const where = `input '${input.name}'`;
    if (!isDatatype(input.datatype))
      throw invalidArgument(`${where}: unknown datatype ${JSON.stringify(input.datatype)}`, { tensor: input.name });
    const datatype = input.datatype;
    const shape = parseShape(input.shape, where);
    const inputParameters = parseJsonParameters(input.parameters, where);
    const binarySize = sizeParameter(inputParameters, 'binary_data_size', where);
    if (binarySize === undefined) {
      if (!('data' in input)) throw invalidArgument(`${where}: has neither "data" nor a "binary_data_size" parameter`);
      const data = decodeJsonData(datatype, shape, input.data, where);
      return { name: input.name, datatype, shape, data, parameters: inputParameters } as InferInput;
    }
    if ('data' in input) throw invalidArgument(`${where}: has both "data" and a "binary_data_size" parameter`);
    if (headerLength === undefined)
      throw invalidArgument(
        `${where}: has "binary_data_size" but the request has no Inference-Header-Content-Length header`,
      );
    if (offset + binarySize > binary.byteLength)
      throw invalidArgument(
        `${where}: binary_data_size is ${binarySize} but only ${binary.byteLength - offset} bytes of binary data remain after the JSON header (check Inference-Header-Content-Length)`,
      );
    const data = decodeBinaryData(
      datatype,
      binary.subarray(offset, offset + binarySize),
      elementCountOf(shape, where),
      where,
    );
    offset += binarySize;
    return { name: input.name, datatype, shape, data, parameters: inputParameters } as InferInput;
  });
  if (offset !== binary.byteLength)
    throw invalidArgument(
      `the body has ${binary.byteLength} bytes after the ${headerLength}-byte JSON header, but the inputs' binary_data_size add up to ${offset} (check Inference-Header-Content-Length)`,
    );

  return {
    ...(request.id === undefined ? {} : { id: request.id as string }),
    parameters,
    inputs,
    outputs: parseRequestedOutputs(request.outputs),
  };
}

function parseHeaderLength(header: string | undefined, bodyBytes: number): number | undefined {
  if (header === undefined) return undefined;
  const text = header.trim();
  if (!/^\d{1,15}$/.test(text))
    throw invalidArgument(`Inference-Header-Content-Length must be a byte count, got ${JSON.stringify(header)}`);
  const length = Number(text);
  if (length > bodyBytes)
    throw invalidArgument(`Inference-Header-Content-Length is ${length} but the body has only ${bodyBytes} bytes`);
  return length;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonObject(bytes: Uint8Array, headerLength: number | undefined): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch (cause) {
    throw invalidArgument(`${jsonWhat(headerLength)} must be a JSON inference request: ${(cause as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return asObject(value, jsonWhat(headerLength));
  return value as Record<string, unknown>;
}

function jsonWhat(headerLength: number | undefined): string {
  return headerLength === undefined
    ? 'the request body'
    : `the first ${headerLength} bytes of the body (Inference-Header-Content-Length)`;
}

function asObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalidArgument(`${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

function parseRequestedOutputs(value: unknown): RequestedOutput[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument('"outputs" must be an array of requested outputs');
  return value.map((raw: unknown, position: number) => {
    const output = asObject(raw, `requested output #${position}`);
    if (typeof output.name !== 'string' || output.name === '')
      throw invalidArgument(`requested output #${position}: "name" must be a non-empty string`);
    const where = `requested output '${output.name}'`;
    const parameters = parseJsonParameters(output.parameters, where);
    booleanParameter(parameters, 'binary_data', where);
    return { name: output.name, parameters };
  });
}
