/**
 * Shapes as requests declare them. Each dimension "must be an integer representable as an unsigned 64-bit
 * integer value" (Open Inference Protocol, Request Input); Osprey further bounds the element count by
 * Number.MAX_SAFE_INTEGER, far above anything a request body can carry.
 */
import { invalidArgument } from '../../core/errors.js';

/** The most dimensions a request's tensor may have (ONNX Runtime's own kernels stop well before). */
export const MAX_RANK = 64;

/** A request's shape: an array of non-negative integers (numbers, or decimal strings as gRPC int64 arrive). */
export function parseShape(value: unknown, tensor: string): number[] {
  if (!Array.isArray(value)) throw invalidArgument(`${tensor}: "shape" must be an array of integers`, { tensor });
  if (value.length > MAX_RANK)
    throw invalidArgument(`${tensor}: shape has ${value.length} dimensions, more than the ${MAX_RANK} Osprey accepts`, {
      tensor,
    });
  const shape = value.map((dim: unknown) => (typeof dim === 'string' && /^-?\d+$/.test(dim) ? Number(dim) : dim));
  for (const dim of shape) {
    if (typeof dim !== 'number' || !Number.isSafeInteger(dim) || dim < 0)
      throw invalidArgument(`${tensor}: shape dimensions must be non-negative integers, got ${JSON.stringify(value)}`, {
        tensor,
      });
  }
  elementCountOf(shape as number[], tensor);
  return shape as number[];
}

/** The number of elements of a shape, refusing counts past Number.MAX_SAFE_INTEGER. */
export function elementCountOf(shape: readonly number[], tensor: string): number {
  let count = 1;
  for (const dim of shape) {
    count *= dim;
    if (count > Number.MAX_SAFE_INTEGER)
      throw invalidArgument(`${tensor}: shape [${shape.join(',')}] holds more elements than can be sent`, { tensor });
  }
  return count;
}
