import { invalidArgument } from '../core/errors.js';
import { isDigestPrefix, MIN_DIGEST_PREFIX } from '../core/hashing.js';
import { validateName } from '../core/names.js';

/**
 * How a user names a dataset version:
 * `name` or `name@latest` (newest), `name@3` (number), `name@9f86d081` (digest or a prefix of ≥ 8 hex characters),
 * or a bare digest (prefix) across all datasets, optionally written `sha256:9f86d081…`.
 */
export type VersionRef =
  | { kind: 'latest'; name: string }
  | { kind: 'number'; name: string; version: number }
  | { kind: 'digest'; name?: string; digestPrefix: string };

export function parseVersionRef(text: string): VersionRef {
  const trimmed = text.trim();
  const bare = trimmed.startsWith('sha256:') ? trimmed.slice('sha256:'.length) : trimmed;
  if (!bare.includes('@') && /^[0-9a-f]{64}$/.test(bare)) return { kind: 'digest', digestPrefix: bare };
  if (trimmed.startsWith('sha256:')) {
    if (isDigestPrefix(bare)) return { kind: 'digest', digestPrefix: bare };
    throw bad(text, `a digest is ${MIN_DIGEST_PREFIX}–64 lower-case hex characters`);
  }
  const at = trimmed.lastIndexOf('@');
  const name = nameOf(text, at < 0 ? trimmed : trimmed.slice(0, at));
  if (at < 0) return { kind: 'latest', name };
  const selector = trimmed.slice(at + 1);
  if (selector === 'latest') return { kind: 'latest', name };
  if (/^[1-9][0-9]{0,8}$/.test(selector)) return { kind: 'number', name, version: Number(selector) };
  const digest = selector.startsWith('sha256:') ? selector.slice('sha256:'.length) : selector;
  if (isDigestPrefix(digest)) return { kind: 'digest', name, digestPrefix: digest };
  throw bad(
    text,
    `after '@' put a version number, 'latest', or a digest of at least ${MIN_DIGEST_PREFIX} hex characters`,
  );
}

export function formatVersionRef(name: string, version: number): string {
  return `${name}@${version}`;
}

function nameOf(text: string, name: string): string {
  try {
    return validateName('dataset', name);
  } catch (error) {
    throw bad(text, (error as Error).message);
  }
}

function bad(text: string, why: string) {
  return invalidArgument(`invalid dataset version ${JSON.stringify(text)}: ${why}`, { ref: text });
}
