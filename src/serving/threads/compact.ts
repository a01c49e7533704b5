import type { Tensor } from '../tensor.js';

/**
 * Tensor elements ready for `postMessage`: a typed array that views part of a larger buffer (a slice of a request
 * body, a row range of a batch output) is copied to its own buffer, since a message would otherwise copy the whole
 * buffer behind it.
 */
export function compact(data: Tensor['data']): Tensor['data'] {
  if (Array.isArray(data)) return data;
  const view = data as Exclude<Tensor['data'], Uint8Array[]>;
  return (view.byteLength === view.buffer.byteLength ? view : view.slice()) as Tensor['data'];
}
