/**
 * A batch of logged requests as the prediction log's worker thread receives it (worker-writer.ts): one JSON text
 * and one transferred buffer, instead of hundreds of objects, Maps and typed arrays for `postMessage` to clone one
 * by one (about 6 µs per request of the server's event loop; packed, about 1 µs).
 *
 * - `header`: JSON `{ plans, requests }`. Plans are written once per batch (most batches share one); a request is
 *   `[plan, modelName, modelVersion, requestId | null, at, inputs, outputs]`, a tensor
 *   `[name, datatype, shape, byteOffset, byteLength]`.
 * - `data`: every tensor's elements in the binary tensor format (binary-data.ts: little-endian elements, BYTES as
 *   length-prefixed strings), each starting at a multiple of 8 bytes so the receiver views them in place.
 */
import { decodeBinaryData, encodeBinaryData } from '../protocol/binary-data.js';
import { type Datatype, elementCount, type Tensor, type TensorDataMap } from '../tensor.js';
import type { LoggedRequest, LogPlan } from './log-plan.js';

export interface PackedBatch {
  readonly header: string;
  readonly data: ArrayBuffer;
}

type PackedTensor = [name: string, datatype: Datatype, shape: readonly number[], offset: number, length: number];
type PackedRequest = [
  plan: number,
  modelName: string,
  modelVersion: string,
  requestId: string | null,
  at: number,
  inputs: PackedTensor[],
  outputs: PackedTensor[],
];
type PackedPlan = Omit<LogPlan, 'featureNames'> & { featureNames: [string, readonly string[]][] };

const ALIGN = 8;

export function packBatch(batch: readonly LoggedRequest[]): PackedBatch {
  const planIndex = new Map<LogPlan, number>();
  const plans: PackedPlan[] = [];
  const pieces: Uint8Array[] = [];
  let size = 0;
  const tensors = (map: ReadonlyMap<string, Tensor>): PackedTensor[] => {
    const packed: PackedTensor[] = [];
    for (const [name, tensor] of map) {
      const bytes = encodeBinaryData(tensor.datatype, tensor.data as TensorDataMap[Datatype]);
      packed.push([name, tensor.datatype, tensor.shape, size, bytes.byteLength]);
      pieces.push(bytes);
      size += Math.ceil(bytes.byteLength / ALIGN) * ALIGN;
    }
    return packed;
  };
  const requests: PackedRequest[] = batch.map((logged) => {
    let plan = planIndex.get(logged.plan);
    if (plan === undefined) {
      plan = plans.push({ ...logged.plan, featureNames: [...logged.plan.featureNames] }) - 1;
      planIndex.set(logged.plan, plan);
    }
    return [
      plan,
      logged.modelName,
      logged.modelVersion,
      logged.requestId ?? null,
      logged.at,
      tensors(logged.inputs),
      tensors(logged.outputs),
    ];
  });
  const data = new Uint8Array(size);
  let offset = 0;
  for (const bytes of pieces) {
    data.set(bytes, offset);
    offset += Math.ceil(bytes.byteLength / ALIGN) * ALIGN;
  }
  return { header: JSON.stringify({ plans, requests }), data: data.buffer };
}

export function unpackBatch(packed: PackedBatch): LoggedRequest[] {
  const { plans, requests } = JSON.parse(packed.header) as { plans: PackedPlan[]; requests: PackedRequest[] };
  const logPlans: LogPlan[] = plans.map((plan) => ({ ...plan, featureNames: new Map(plan.featureNames) }));
  const tensors = (list: readonly PackedTensor[]) => {
    const map = new Map<string, Tensor>();
    for (const [name, datatype, shape, offset, length] of list) {
      const bytes = new Uint8Array(packed.data, offset, length);
      const data = decodeBinaryData(datatype, bytes, elementCount(shape), `logged tensor '${name}'`);
      map.set(name, { datatype, shape, data } as Tensor);
    }
    return map;
  };
  return requests.map(([plan, modelName, modelVersion, requestId, at, inputs, outputs]) => ({
    plan: logPlans[plan]!,
    modelName,
    modelVersion,
    requestId: requestId ?? undefined,
    at,
    inputs: tensors(inputs),
    outputs: tensors(outputs),
  }));
}
