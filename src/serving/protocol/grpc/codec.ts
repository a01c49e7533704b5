/**
 * ModelInfer messages ↔ the transport-independent request and response (protocol/types.ts), per the Open
 * Inference Protocol's gRPC API (inference_grpc.md, open_inference_grpc.proto):
 * - input elements come either typed, in each input's `contents`, or raw: "raw_input_contents must be
 *   initialized with data for each tensor in the same order as 'inputs'" and "if this field is specified then
 *   InferInputTensor::contents must not be specified for any input tensor";
 * - responses use raw_output_contents by default (as Triton does); typed contents on request, except that a
 *   response with an FP16 output is always raw (FP16 has no typed field).
 *
 * The request and response encoders serve clients and tests; the server uses decodeModelInferRequest and
 * encodeModelInferResponse.
 */
import { invalidArgument } from '../../../core/errors.js';
import { type Datatype, isDatatype, type Tensor } from '../../tensor.js';
import { decodeBinaryData, encodeBinaryData } from '../binary-data.js';
import { elementCountOf, parseShape } from '../shape.js';
import type { InferenceRequest, InferenceResponse, InferInput, InferOutput, Parameters } from '../types.js';
import { decodeContents, decodeParameters, encodeContents, encodeParameters, isEmptyContents } from './contents.js';
import type { ModelInferRequestMessage, ModelInferResponseMessage, TensorMessage } from './proto.js';

export interface DecodedModelInferRequest {
  readonly modelName: string;
  /** Empty when the client leaves the choice to the server. */
  readonly modelVersion: string;
  readonly request: InferenceRequest;
}

export function decodeModelInferRequest(message: ModelInferRequestMessage): DecodedModelInferRequest {
  const raw = message.raw_input_contents ?? [];
  const inputs = decodeTensors(message.inputs ?? [], raw, 'input', 'raw_input_contents');
  const outputs = (message.outputs ?? []).map((output, position) => {
    if (!output.name) throw invalidArgument(`requested output #${position}: "name" must be a non-empty string`);
    return { name: output.name, parameters: decodeParameters(output.parameters, `requested output '${output.name}'`) };
  });
  return {
    modelName: message.model_name,
    modelVersion: message.model_version ?? '',
    request: {
      ...(message.id ? { id: message.id } : {}),
      parameters: decodeParameters(message.parameters, 'the request'),
      inputs: inputs.map((input) => input as InferInput),
      outputs,
    },
  };
}

export interface ResponseEncoding {
  /** Elements in raw_output_contents (default) or in each output's typed contents. */
  readonly raw?: boolean;
}

export function encodeModelInferResponse(
  response: InferenceResponse,
  encoding: ResponseEncoding = {},
): ModelInferResponseMessage {
  const encoded = encodeTensors(response.outputs, encoding.raw);
  return {
    model_name: response.modelName,
    model_version: response.modelVersion ?? '',
    id: response.id ?? '',
    parameters: encodeParameters(response.parameters ?? {}),
    outputs: encoded.tensors,
    raw_output_contents: encoded.raw,
  };
}

/** For clients and tests: a ModelInfer request for tensors (raw contents by default). */
export function encodeModelInferRequest(
  modelName: string,
  request: InferenceRequest,
  encoding: ResponseEncoding & { modelVersion?: string } = {},
): ModelInferRequestMessage {
  const encoded = encodeTensors(request.inputs, encoding.raw);
  return {
    model_name: modelName,
    model_version: encoding.modelVersion ?? '',
    id: request.id ?? '',
    parameters: encodeParameters(request.parameters),
    inputs: encoded.tensors,
    outputs: request.outputs.map((o) => ({ name: o.name, parameters: encodeParameters(o.parameters) })),
    raw_input_contents: encoded.raw,
  };
}

/** For clients and tests: the response's outputs as tensors. */
export function decodeModelInferResponse(message: ModelInferResponseMessage): InferenceResponse {
  const outputs = decodeTensors(
    message.outputs ?? [],
    message.raw_output_contents ?? [],
    'output',
    'raw_output_contents',
  );
  return {
    modelName: message.model_name,
    ...(message.model_version ? { modelVersion: message.model_version } : {}),
    ...(message.id ? { id: message.id } : {}),
    parameters: decodeParameters(message.parameters, 'the response'),
    outputs: outputs.map(({ parameters: _, ...output }) => output as InferOutput),
  };
}

type DecodedTensor = Tensor & { name: string; parameters: Parameters };

function decodeTensors(tensors: TensorMessage[], raw: Uint8Array[], role: string, rawField: string): DecodedTensor[] {
  if (raw.length > 0 && raw.length !== tensors.length)
    throw invalidArgument(
      `${rawField} has ${raw.length} entries for ${tensors.length} ${role}s: it needs one per ${role}`,
    );
  return tensors.map((message, position) => {
    if (!message.name) throw invalidArgument(`${role} #${position}: "name" must be a non-empty string`);
    const where = `${role} '${message.name}'`;
    if (!isDatatype(message.datatype))
      throw invalidArgument(`${where}: unknown datatype ${JSON.stringify(message.datatype)}`, { tensor: message.name });
    const datatype: Datatype = message.datatype;
    const shape = parseShape(message.shape, where);
    const count = elementCountOf(shape, where);
    let data: Tensor['data'];
    if (raw.length > 0) {
      if (!isEmptyContents(message.contents))
        throw invalidArgument(
          `${where}: has typed contents although ${rawField} is used (the protocol allows one or the other)`,
        );
      data = decodeBinaryData(datatype, raw[position]!, count, where);
    } else data = decodeContents(datatype, message.contents, count, where);
    return {
      name: message.name,
      datatype,
      shape,
      data,
      parameters: decodeParameters(message.parameters, where),
    } as DecodedTensor;
  });
}

function encodeTensors(
  tensors: readonly (Tensor & { name: string; parameters?: Parameters })[],
  raw = true,
): { tensors: TensorMessage[]; raw: Uint8Array[] } {
  const useRaw = raw || tensors.some((t) => t.datatype === 'FP16');
  return {
    tensors: tensors.map((tensor) => ({
      name: tensor.name,
      datatype: tensor.datatype,
      shape: [...tensor.shape],
      parameters: encodeParameters(tensor.parameters ?? {}),
      ...(useRaw ? {} : { contents: encodeContents(tensor.datatype as Exclude<Datatype, 'FP16'>, tensor.data) }),
    })),
    raw: useRaw ? tensors.map((tensor) => encodeBinaryData(tensor.datatype, tensor.data)) : [],
  };
}
