/**
 * The messages between a WorkerThreadRuntime (main thread) and its worker (runtime-worker.ts), and the packing of
 * tensors and errors into what `postMessage` carries: tensors as `[name, datatype, shape, data]` tuples (typed
 * arrays are cloned, or transferred where the sender owns them), errors as their code, message and details so
 * that an OspreyError thrown in the worker is the same OspreyError on the main thread.
 */
import { ERROR_CODES, type ErrorCode, errorMessage, isOspreyError, OspreyError } from '../../../core/errors.js';
import type { ModelSignature, ModelSource, SessionOptions } from '../../runtime.js';
import type { Datatype, Tensor } from '../../tensor.js';
import { compact } from '../../threads/compact.js';

/** What the worker is started with. */
export interface WorkerData {
  /** The module (a file URL) exporting the runtime class to run in the worker. */
  readonly module: string;
  readonly exportName: string;
  readonly source: ModelSource;
  readonly options: SessionOptions;
}

export type PackedTensor = [name: string, datatype: Datatype, shape: readonly number[], data: Tensor['data']];

export interface PackedError {
  readonly code: ErrorCode | undefined;
  readonly message: string;
  readonly details: Readonly<Record<string, unknown>>;
}

export type ToWorker =
  | { readonly type: 'infer'; readonly id: number; readonly inputs: PackedTensor[]; readonly outputNames: string[] }
  | { readonly type: 'close' };

export type FromWorker =
  | { readonly type: 'loaded'; readonly signature: ModelSignature }
  | { readonly type: 'result'; readonly id: number; readonly outputs: PackedTensor[] }
  | { readonly type: 'failed'; readonly id: number | undefined; readonly error: PackedError }
  | { readonly type: 'closed' };

/**
 * Tensors as a message carries them. A typed array that views part of a larger buffer (a slice of a request
 * body) is compacted first: a message would otherwise copy the whole buffer behind it.
 */
export function packTensors(tensors: ReadonlyMap<string, Tensor>): PackedTensor[] {
  const packed: PackedTensor[] = [];
  for (const [name, tensor] of tensors) packed.push([name, tensor.datatype, tensor.shape, compact(tensor.data)]);
  return packed;
}

export function unpackTensors(packed: readonly PackedTensor[]): Map<string, Tensor> {
  const tensors = new Map<string, Tensor>();
  for (const [name, datatype, shape, data] of packed) tensors.set(name, { datatype, shape, data } as Tensor);
  return tensors;
}

/**
 * The buffers of `packed` that can be transferred rather than copied: each owned by one tensor alone (a buffer
 * that also holds other data — a slice of a pool, one shared by two tensors — is copied).
 */
export function transferable(packed: readonly PackedTensor[]): ArrayBuffer[] {
  const buffers: ArrayBuffer[] = [];
  for (const [, , , data] of packed) {
    if (Array.isArray(data)) continue;
    const view = data as ArrayBufferView;
    if (
      view.buffer instanceof ArrayBuffer &&
      view.byteOffset === 0 &&
      view.byteLength === view.buffer.byteLength &&
      view.byteLength > 0 &&
      !buffers.includes(view.buffer)
    )
      buffers.push(view.buffer);
  }
  return buffers;
}

export function packError(error: unknown): PackedError {
  if (isOspreyError(error)) return { code: error.code, message: error.message, details: { ...error.details } };
  return { code: undefined, message: errorMessage(error), details: {} };
}

export function unpackError(packed: PackedError): OspreyError {
  const code = packed.code !== undefined && ERROR_CODES.includes(packed.code) ? packed.code : 'INTERNAL';
  return new OspreyError(code, packed.message, { details: { ...packed.details } });
}
