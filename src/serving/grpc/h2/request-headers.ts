/**
 * A request's header fields as HTTP/2 requires them (RFC 9113 §8.2–8.3): lower-case names, the request
 * pseudo-headers first, once each, with :method, :scheme and :path present, no connection-specific fields, `te`
 * only as "trailers". A violation is a stream error (the stream is reset, the connection goes on).
 */
import { ErrorCode, H2StreamError } from './frames.js';

const FORBIDDEN_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);
const REQUEST_PSEUDO_HEADERS = new Set([':method', ':scheme', ':path', ':authority']);

/** A request's header fields as a map, checked as RFC 9113 §8.2–8.3 requires; a violation is a stream error. */
export function requestHeaders(streamId: number, fields: readonly [string, string][]): Map<string, string> {
  const headers = new Map<string, string>();
  let regularSeen = false;
  for (const [name, value] of fields) {
    const malformed = (why: string) => new H2StreamError(streamId, ErrorCode.PROTOCOL_ERROR, why);
    if (name !== name.toLowerCase()) throw malformed(`header ${name} is not lower case`);
    if (name.startsWith(':')) {
      if (regularSeen) throw malformed(`pseudo-header ${name} after regular headers`);
      if (!REQUEST_PSEUDO_HEADERS.has(name)) throw malformed(`unknown pseudo-header ${name}`);
      if (headers.has(name)) throw malformed(`pseudo-header ${name} repeated`);
      headers.set(name, value);
      continue;
    }
    regularSeen = true;
    if (FORBIDDEN_HEADERS.has(name)) throw malformed(`connection-specific header ${name}`);
    if (name === 'te' && value !== 'trailers') throw malformed('te may only be "trailers"');
    const earlier = headers.get(name);
    headers.set(name, earlier === undefined ? value : `${earlier}, ${value}`);
  }
  for (const required of [':method', ':scheme', ':path'])
    if (!headers.has(required)) throw new H2StreamError(streamId, ErrorCode.PROTOCOL_ERROR, `no ${required}`);
  return headers;
}
