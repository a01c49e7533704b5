import { readFile } from 'node:fs/promises';
import { arch, platform } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sha256Hex } from '../../core/hashing.js';
import type { JsonValue } from '../spec/types.js';

const PACKAGE_LOCK = fileURLToPath(new URL('../../../package-lock.json', import.meta.url));

/** The orchestrating machine's runtime: Node version, lockfile digest (null when absent), platform, runner. */
export async function environmentFingerprint(): Promise<{ [key: string]: JsonValue }> {
  const lock = await readFile(PACKAGE_LOCK).catch(() => undefined);
  return {
    runner: 'process',
    node: process.version,
    packageLockSha256: lock ? sha256Hex(lock) : null,
    platform: platform(),
    arch: arch(),
  };
}
