/**
 * Loads `inference.proto` (the Open Inference Protocol's gRPC API) with @grpc/proto-loader, and types the
 * messages as the loader hands them over with PROTO_LOADER_OPTIONS: field names as in the .proto
 * (snake_case), 64-bit integers as decimal strings, `bytes` as Buffers, unset fields at their defaults
 * (an unset message field as null), and the name of the set member on each oneof.
 *
 * The .proto sits next to this file; a build that copies `src/` to `dist/` must copy it too.
 */
import { fileURLToPath } from 'node:url';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';

export const INFERENCE_PROTO_PATH = fileURLToPath(new URL('./inference.proto', import.meta.url));

export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** The fully qualified service name clients call, e.g. `/inference.GRPCInferenceService/ModelInfer`. */
export const INFERENCE_SERVICE = 'inference.GRPCInferenceService';

export function loadInferenceProto(): PackageDefinition {
  return loadSync(INFERENCE_PROTO_PATH, PROTO_LOADER_OPTIONS);
}

/**
 * A 64-bit integer field: a decimal string when received; when sending, a string, a safe integer number or a
 * bigint's decimal string.
 */
export type Int64Field = string | number;

export interface InferParameterMessage {
  bool_param?: boolean;
  int64_param?: Int64Field;
  string_param?: string;
  double_param?: number;
  uint64_param?: Int64Field;
  /** Which member of the oneof is set (received messages). */
  parameter_choice?: 'bool_param' | 'int64_param' | 'string_param' | 'double_param' | 'uint64_param';
}

export type ParameterMap = Record<string, InferParameterMessage>;

export interface InferTensorContentsMessage {
  bool_contents?: boolean[];
  int_contents?: number[];
  int64_contents?: Int64Field[];
  uint_contents?: number[];
  uint64_contents?: Int64Field[];
  fp32_contents?: number[];
  fp64_contents?: number[];
  bytes_contents?: Uint8Array[];
}

export interface TensorMessage {
  name: string;
  datatype: string;
  shape: Int64Field[];
  parameters?: ParameterMap;
  contents?: InferTensorContentsMessage | null;
}

export interface RequestedOutputMessage {
  name: string;
  parameters?: ParameterMap;
}

export interface ModelInferRequestMessage {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: ParameterMap;
  inputs: TensorMessage[];
  outputs?: RequestedOutputMessage[];
  raw_input_contents?: Uint8Array[];
}

export interface ModelInferResponseMessage {
  model_name: string;
  model_version?: string;
  id?: string;
  parameters?: ParameterMap;
  outputs: TensorMessage[];
  raw_output_contents?: Uint8Array[];
}
