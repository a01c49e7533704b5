/**
 * Joining requests into one batch and splitting the batch's outputs back: tensors are concatenated along
 * dimension 0 (the batch dimension) in request order, and each output is cut into consecutive row ranges of
 * the sizes the requests brought. Splitting returns views (subarrays) of the batch output, not copies.
 */
import { OspreyError } from '../../core/errors.js';
import { allocateData, type Datatype, elementCount, type Tensor, type TensorDataMap } from '../tensor.js';

type FixedData = Exclude<TensorDataMap[Datatype], Uint8Array[]>;

/** The batch size a tensor brings: its first dimension. */
export const rowsOf = (tensor: Tensor): number => tensor.shape[0] ?? 1;

/**
 * Concatenates tensors of one datatype whose shapes differ at most in dimension 0. One tensor is returned as it
 * is (no copy). The caller has checked that the non-batch dimensions agree (the batch key does).
 */
export function concatAlongBatch(tensors: readonly Tensor[]): Tensor {
  const first = tensors[0];
  if (first === undefined) throw new OspreyError('INTERNAL', 'cannot concatenate an empty list of tensors');
  if (tensors.length === 1) return first;
  let rows = 0;
  let count = 0;
  for (const tensor of tensors) {
    rows += rowsOf(tensor);
    count += tensor.data.length;
  }
  const shape = [rows, ...first.shape.slice(1)];
  if (first.datatype === 'BYTES') {
    const data: Uint8Array[] = [];
    for (const tensor of tensors) for (const element of tensor.data as Uint8Array[]) data.push(element);
    return { datatype: 'BYTES', shape, data };
  }
  const data = allocateData(first.datatype, count) as FixedData;
  let offset = 0;
  for (const tensor of tensors) {
    (data as Float32Array).set(tensor.data as Float32Array, offset);
    offset += tensor.data.length;
  }
  return { datatype: first.datatype, shape, data } as Tensor;
}

/**
 * Cuts a batch output into consecutive pieces of `rows[i]` rows each (views of the batch's elements).
 * The output's first dimension must equal the sum of `rows`: a model whose outputs are not batched along
 * dimension 0 cannot be served by the dynamic batcher (INTERNAL, naming the output).
 */
export function splitAlongBatch(name: string, tensor: Tensor, rows: readonly number[]): Tensor[] {
  const total = rows.reduce((sum, r) => sum + r, 0);
  if (rows.length === 1) return [tensor];
  if (tensor.shape.length === 0 || tensor.shape[0] !== total)
    throw new OspreyError(
      'INTERNAL',
      `output '${name}' has shape [${tensor.shape.join(',')}] for a batch of ${total} rows: the model does not batch this output along dimension 0, so it cannot be served with dynamic batching (set max_batch_size to 0)`,
    );
  const rowElements = elementCount(tensor.shape.slice(1));
  const pieces: Tensor[] = [];
  let start = 0;
  for (const count of rows) {
    const end = start + count * rowElements;
    const shape = [count, ...tensor.shape.slice(1)];
    const data = Array.isArray(tensor.data)
      ? tensor.data.slice(start, end)
      : (tensor.data as FixedData).subarray(start, end);
    pieces.push({ datatype: tensor.datatype, shape, data } as Tensor);
    start = end;
  }
  return pieces;
}
