import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

/** The chunk size of the slow writer's content. */
export const WRITER_CHUNK_BYTES = 256 * 1024;

/** Deterministic test content, generated chunk by chunk: chunk `i` repeats the SHA-256 of `${seed} ${i}`. */
export function patternChunk(seed: string, index: number, length: number): Buffer {
  return Buffer.alloc(length, createHash('sha256').update(`${seed} ${index}`).digest());
}

export async function* patternContent(seed: string, totalBytes: number, chunkBytes: number, slowAfterBytes = Infinity) {
  for (let offset = 0, i = 0; offset < totalBytes; offset += chunkBytes, i++) {
    if (offset >= slowAfterBytes) await sleep(200);
    yield patternChunk(seed, i, Math.min(chunkBytes, totalBytes - offset));
  }
}

export function patternDigest(seed: string, totalBytes: number, chunkBytes: number): string {
  const hash = createHash('sha256');
  for (let offset = 0, i = 0; offset < totalBytes; offset += chunkBytes, i++)
    hash.update(patternChunk(seed, i, Math.min(chunkBytes, totalBytes - offset)));
  return hash.digest('hex');
}
