// One small tensor of each datatype with values at the edges of its range, for codec round trips.
import type { Datatype, Tensor } from '../tensor.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

export function sampleTensor(datatype: Datatype): Tensor {
  const shape = [2, 2];
  switch (datatype) {
    case 'BOOL':
      return { datatype, shape, data: Uint8Array.of(1, 0, 0, 1) };
    case 'UINT8':
      return { datatype, shape, data: Uint8Array.of(0, 1, 128, 255) };
    case 'UINT16':
      return { datatype, shape, data: Uint16Array.of(0, 1, 300, 65535) };
    case 'UINT32':
      return { datatype, shape, data: Uint32Array.of(0, 1, 70000, 4294967295) };
    case 'UINT64':
      return { datatype, shape, data: BigUint64Array.of(0n, 1n, 2n ** 53n - 1n, 2n ** 64n - 1n) };
    case 'INT8':
      return { datatype, shape, data: Int8Array.of(-128, -1, 0, 127) };
    case 'INT16':
      return { datatype, shape, data: Int16Array.of(-32768, -1, 0, 32767) };
    case 'INT32':
      return { datatype, shape, data: Int32Array.of(-2147483648, -1, 0, 2147483647) };
    case 'INT64':
      return { datatype, shape, data: BigInt64Array.of(-(2n ** 63n), -1n, 2n ** 53n - 1n, 2n ** 63n - 1n) };
    case 'FP16':
      return { datatype, shape, data: Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001) }; // 1, -2, 65504, 2^-24
    case 'FP32':
      return { datatype, shape, data: Float32Array.of(0.5, -1.25, 3.4028234663852886e38, 1e-45) };
    case 'FP64':
      return { datatype, shape, data: Float64Array.of(Math.PI, -Number.MAX_VALUE, Number.MIN_VALUE, 0.1) };
    case 'BYTES':
      return { datatype, shape, data: [utf8(''), utf8('abc'), utf8('héllo ✓'), utf8('tab\t"quote"')] };
  }
}

/** Elements as plain values (BYTES as arrays of bytes), for deepEqual. */
export const plainData = (tensor: Pick<Tensor, 'data'>): unknown[] =>
  Array.isArray(tensor.data) ? tensor.data.map((b) => Array.from(b)) : Array.from(tensor.data as ArrayLike<unknown>);
