/**
 * The runtime interface of the model server: what the protocol layers need from a model engine.
 * Implementations live in `runtimes/<engine>/` (ONNX Runtime in `runtimes/onnx/`); nothing outside a
 * composition root names an implementation.
 *
 * Contract:
 * - `load` reads a model from a file or from bytes, reads its signature and (unless told not to) runs one
 *   warm-up inference, so the first request does not pay for lazy initialisation. A model it cannot read
 *   fails with INVALID_ARGUMENT; a missing file with NOT_FOUND.
 * - `infer` receives inputs already validated against the signature (protocol/validation.ts): every input
 *   present, with the signature's datatype and a matching shape. It returns the requested outputs (all of
 *   them when none are named), each with its actual shape.
 * - `close` waits for inferences in flight, then frees the model; `infer` after `close` fails with UNAVAILABLE.
 */
import type { Datatype, Tensor } from './tensor.js';

/**
 * One input or output of a model, as the protocol's model metadata describes it:
 * `shape` uses -1 for a dimension of variable size (e.g. the batch), and is null when the model does not
 * declare the tensor's rank at all (any shape is accepted).
 */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: Datatype;
  readonly shape: readonly number[] | null;
}

export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

/** Where a model's bytes come from. A path lets the engine find external weight files beside it. */
export type ModelSource = { readonly path: string } | { readonly bytes: Uint8Array };

export interface SessionOptions {
  /** Threads used inside one operator (ONNX Runtime's intra-op pool). Engine default when unset. */
  readonly intraOpThreads?: number;
  /** Threads running independent operators at once (inter-op pool); more than 1 enables parallel execution. */
  readonly interOpThreads?: number;
  /** Run one inference on load with inputs made from the signature (variable dims → 1). Default true. */
  readonly warmUp?: boolean;
  /**
   * Run this instance on a thread of its own (a worker thread), off the server's event loop, so that it computes
   * while requests are parsed and other instances compute. Default false. A runtime without threads ignores it.
   */
  readonly ownThread?: boolean;
}

export interface LoadedModel {
  readonly signature: ModelSignature;
  /**
   * Runs the model. `outputNames` selects outputs (the engine may skip computing the others);
   * empty or omitted means all outputs, in signature order.
   */
  infer(inputs: ReadonlyMap<string, Tensor>, outputNames?: readonly string[]): Promise<Map<string, Tensor>>;
  close(): Promise<void>;
}

export interface ModelRuntime {
  /** A short name for metadata and logs, e.g. `onnxruntime`. */
  readonly name: string;
  load(source: ModelSource, options?: SessionOptions): Promise<LoadedModel>;
}
