import { canonicalJson, sha256Hex } from '../../core/hashing.js';
import type { ComponentSpec, JsonValue, PipelineSpec } from './types.js';

/** The pipeline's identity: SHA-256 of its canonical JSON. Any change to graph, code or policy changes it. */
export function specDigest(spec: PipelineSpec): string {
  return sha256Hex(canonicalJson(spec));
}

/** The digest a component entry must carry: SHA-256 of its canonical JSON without the `digest` field. */
export function componentDigest(component: Omit<ComponentSpec, 'digest'> & { digest?: string }): string {
  const { digest: _ignored, ...rest } = component;
  return sha256Hex(canonicalJson(rest));
}

/** The digest of a function component's code: its source text exactly as the runtime reports it. */
export function sourceDigest(source: string): string {
  return sha256Hex(source);
}

/**
 * The cache key of one component task execution. `inputs` holds, for every input, the resolved parameter value,
 * or for an artifact input the content digest (an array of digests for a list of artifacts) — never a path.
 * The component digest covers its code, image and command, so any of those changing misses the cache.
 */
export function cacheKey(component: ComponentSpec, inputs: Readonly<Record<string, JsonValue>>): string {
  return sha256Hex(canonicalJson({ kind: 'osprey.cache-key/v1', component: component.digest, inputs }));
}

/** The spec as a file: canonical (sorted keys), indented, newline-terminated — stable bytes for golden files. */
export function formatSpec(spec: PipelineSpec): string {
  return `${JSON.stringify(JSON.parse(canonicalJson(spec)), null, 2)}\n`;
}
