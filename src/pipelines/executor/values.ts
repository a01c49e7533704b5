import { canonicalJson } from '../../core/hashing.js';
import type { ArtifactType, JsonValue } from '../spec/types.js';

// Values flowing between tasks. Parameters are plain JSON; an artifact is a reference to content in the
// ArtifactStore, `{ "$artifact": { type, digest, kind, metadata } }`, so task outputs persist as JSON.

export interface ArtifactRef {
  type: ArtifactType;
  /** SHA-256 of the content: the file's bytes, or the canonical manifest of a directory. */
  digest: string;
  kind: 'file' | 'directory';
  metadata: { [key: string]: JsonValue };
}
export type ArtifactValue = { $artifact: ArtifactRef };

export function artifactValue(ref: ArtifactRef): JsonValue {
  return { $artifact: { ...ref } } as unknown as JsonValue;
}

export function asArtifact(value: unknown): ArtifactRef | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const ref = (value as Partial<ArtifactValue>).$artifact;
  return ref && typeof ref.digest === 'string' ? ref : undefined;
}

/** What the cache key sees of a value: an artifact's content digest (lists element-wise), a parameter as is. */
export function cacheIdentity(value: JsonValue): JsonValue {
  const ref = asArtifact(value);
  if (ref) return ref.digest;
  if (Array.isArray(value) && value.some((v) => asArtifact(v))) return value.map(cacheIdentity);
  return value;
}

/** Looks up `path` in a JSON value; undefined when a key or index is missing. */
export function lookupPath(value: JsonValue, path: readonly (string | number)[]): JsonValue | undefined {
  let current: JsonValue | undefined = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current)
      ? typeof key === 'number'
        ? current[key]
        : undefined
      : (current as Record<string, JsonValue>)[String(key)];
  }
  return current;
}

export const sameJson = (a: JsonValue, b: JsonValue) => canonicalJson(a) === canonicalJson(b);
