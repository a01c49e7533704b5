import { createHash } from 'node:crypto';

/** Digests are lower-case hex SHA-256, 64 characters. */
export const DIGEST_PATTERN = /^[0-9a-f]{64}$/;
/** A digest prefix long enough to name a version unambiguously in practice (like git's short hashes). */
export const MIN_DIGEST_PREFIX = 8;

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isDigest(value: string): boolean {
  return DIGEST_PATTERN.test(value);
}

export function isDigestPrefix(value: string): boolean {
  return value.length >= MIN_DIGEST_PREFIX && value.length <= 64 && /^[0-9a-f]+$/.test(value);
}

/** JSON with object keys sorted at every level: the same value always gives the same bytes and digest. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
