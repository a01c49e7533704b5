import { createHash } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { pipeline, Readable, Transform } from 'node:stream';
import { invalidArgument, OspreyError } from '../../core/errors.js';
import type { ByteSource } from '../artifact-store.js';
import { ChunkWriter } from './chunk-writer.js';
import { CHUNK_BYTES, fsError } from './fs-util.js';

export interface TempBlob {
  path: string;
  digest: string;
  size: number;
}

/** Bytes a byte stream may have in flight to the disk while the next chunks are hashed. */
const MAX_BYTES_IN_FLIGHT = 8 * CHUNK_BYTES;

/**
 * Streams `source` into a new, read-only temp file while hashing it, and syncs it to disk. Chunks are written in
 * the thread pool while the main thread hashes; a non-object-mode Readable (whose chunks are handed over, never
 * reused) may run several chunks ahead. On any failure the temp file is removed.
 */
export async function streamToTemp(
  source: ByteSource,
  path: string,
  onProgress?: (bytesSoFar: number) => void,
): Promise<TempBlob> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'wx', 0o600);
  } catch (error) {
    throw fsError(error, 'creating temp file', path);
  }
  const ahead = source instanceof Readable && !source.readableObjectMode ? MAX_BYTES_IN_FLIGHT : 0;
  const writer = new ChunkWriter(handle, path, ahead);
  const hash = createHash('sha256');
  let size = 0;
  try {
    try {
      for await (const chunk of source as AsyncIterable<unknown>) {
        const bytes = toBytes(chunk);
        const room = writer.write(bytes);
        hash.update(bytes);
        size += bytes.length;
        await room;
        onProgress?.(size);
      }
    } catch (error) {
      throw sourceError(error);
    }
    await writer.finish();
    await handle.chmod(0o444);
    await handle.close();
  } catch (error) {
    await writer.settle();
    await handle.close().catch(() => {});
    await rm(path, { force: true });
    throw error;
  }
  return { path, digest: hash.digest('hex'), size };
}

function sourceError(error: unknown): OspreyError {
  if (error instanceof OspreyError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new OspreyError('INVALID_ARGUMENT', `reading the content to store failed: ${reason}`, { cause: error });
}

function toBytes(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  throw invalidArgument(`content to store must be a stream of bytes, got a chunk of type ${typeof chunk}`);
}

/**
 * A stream of a stored object's bytes that hashes them as they pass and, at the end, destroys itself with an
 * INTERNAL OspreyError naming the digest when they do not match. Throws ENOENT (unwrapped) when the file is absent.
 */
export async function openVerified(path: string, digest: string): Promise<Readable> {
  const handle = await open(path, 'r');
  const file = handle.createReadStream({ highWaterMark: CHUNK_BYTES });
  const hash = createHash('sha256');
  const verifier = new Transform({
    highWaterMark: CHUNK_BYTES,
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      done(null, chunk);
    },
    flush(done) {
      const actual = hash.digest('hex');
      if (actual === digest) return done();
      done(
        new OspreyError('INTERNAL', `stored object ${digest} is corrupt: its content hashes to ${actual}`, {
          details: { digest, actual, path },
        }),
      );
    },
  });
  pipeline(file, verifier, () => {});
  return verifier;
}
