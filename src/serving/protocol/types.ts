/**
 * An inference request and response as the server handles them, whatever the transport: the REST codec
 * (JSON, with or without Triton's binary tensor extension) and the gRPC codec both decode into these types
 * and encode from them. Field meanings follow the Open Inference Protocol's `$inference_request` and
 * `$inference_response` (specification/protocol/inference_rest.md) and `ModelInferRequest`/`ModelInferResponse`.
 */
import type { Tensor } from '../tensor.js';

/**
 * A parameter value. REST parameters are strings, numbers or booleans; gRPC adds 64-bit integers, kept as
 * bigint when they do not fit a number exactly.
 */
export type ParameterValue = string | number | boolean | bigint;
export type Parameters = Readonly<Record<string, ParameterValue>>;

/** An input tensor of a request: its elements decoded to the datatype it declares. */
export type InferInput = Tensor & { readonly name: string; readonly parameters: Parameters };

export interface RequestedOutput {
  readonly name: string;
  readonly parameters: Parameters;
}

export interface InferenceRequest {
  /** Returned in the response when given. */
  readonly id?: string;
  readonly parameters: Parameters;
  readonly inputs: readonly InferInput[];
  /** Empty: every output of the model, with default settings. */
  readonly outputs: readonly RequestedOutput[];
}

export type InferOutput = Tensor & { readonly name: string };

export interface InferenceResponse {
  readonly modelName: string;
  /** Only when the server versions models. */
  readonly modelVersion?: string;
  readonly id?: string;
  readonly parameters?: Parameters;
  readonly outputs: readonly InferOutput[];
}
