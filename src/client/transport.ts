import { type ErrorCode, OspreyError } from '../core/errors.js';

/**
 * How the client reaches the API: over HTTP (`httpTransport`), or in-process (the CLI's embedded mode injects
 * requests into the same server without a socket). Either way the same routes, validation and errors apply.
 */
export interface Transport {
  request(method: string, path: string, options?: { query?: Query; body?: unknown; raw?: Uint8Array }): Promise<Reply>;
}

export type Query = Record<string, string | number | boolean | readonly (string | number)[] | undefined>;

export interface Reply {
  status: number;
  /** Parsed JSON when the response was JSON; otherwise the bytes. */
  json: unknown;
  bytes: Uint8Array;
}

export interface HttpOptions {
  /** A bearer token for servers started with --auth. */
  token?: string;
  /** Per-request timeout (default 60 s). */
  timeoutMs?: number;
}

export function httpTransport(baseUrl: string, options: HttpOptions = {}): Transport {
  const root = baseUrl.replace(/\/+$/, '');
  return {
    async request(method, path, { query, body, raw } = {}) {
      const headers: Record<string, string> = {};
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      let payload: string | Uint8Array | undefined;
      if (raw) {
        payload = raw;
        headers['content-type'] = 'application/octet-stream';
      } else if (body !== undefined) {
        payload = JSON.stringify(body);
        headers['content-type'] = 'application/json';
      }
      let response: Response;
      try {
        response = await fetch(`${root}${path}${queryString(query)}`, {
          method,
          headers,
          ...(payload === undefined ? {} : { body: payload }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 60_000),
        });
      } catch (error) {
        throw new OspreyError('UNAVAILABLE', `cannot reach the Osprey server at ${root}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      const bytes = new Uint8Array(await response.arrayBuffer());
      return { status: response.status, bytes, json: parseJson(response.headers.get('content-type'), bytes) };
    },
  };
}

export function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) params.append(key, String(item));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function parseJson(contentType: string | null | undefined, bytes: Uint8Array): unknown {
  if (!contentType?.includes('json')) return undefined;
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return undefined;
  }
}

const CODE_OF: Record<string, ErrorCode> = {
  RESOURCE_DOES_NOT_EXIST: 'NOT_FOUND',
  ENDPOINT_NOT_FOUND: 'NOT_FOUND',
  INVALID_PARAMETER_VALUE: 'INVALID_ARGUMENT',
  BAD_REQUEST: 'INVALID_ARGUMENT',
  RESOURCE_ALREADY_EXISTS: 'ALREADY_EXISTS',
  INVALID_STATE: 'CONFLICT',
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  PERMISSION_DENIED: 'PERMISSION_DENIED',
  RESOURCE_EXHAUSTED: 'RESOURCE_EXHAUSTED',
  TEMPORARILY_UNAVAILABLE: 'UNAVAILABLE',
};

/** The body of a 2xx reply, or the server's MLflow error as an OspreyError with the matching code. */
export function expectOk<T>(reply: Reply, what: string): T {
  if (reply.status >= 200 && reply.status < 300) return reply.json as T;
  const body = (reply.json ?? {}) as { error_code?: string; message?: string };
  const code = CODE_OF[body.error_code ?? ''] ?? (reply.status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
  throw new OspreyError(code, body.message ?? `${what} failed with HTTP ${reply.status}`, {
    details: { status: reply.status, errorCode: body.error_code },
  });
}
