import type { Readable } from 'node:stream';

/**
 * The artifact store: bytes, content-addressed by SHA-256 (blobs), plus a namespace of keys (paths such as
 * `3/ab12…/artifacts/model/model.onnx`) that point at blobs. One interface; `local/` implements it on the file
 * system. Every implementation runs `artifact-store.contract.ts`.
 *
 * Contract:
 * - Streaming: memory use is constant in the size of the content.
 * - Atomic: a blob or key is visible whole or not at all, also when the writer is killed midway.
 * - Deduplicated: the same bytes are stored once, whatever the number of puts or keys.
 * - Verified: reads check the digest; a corrupt object fails the read with an INTERNAL OspreyError.
 * - Safe: a key can never name anything outside the store (see `keys.ts`); bad keys are INVALID_ARGUMENT.
 */
export interface BlobInfo {
  /** Lower-case hex SHA-256 of the content. */
  digest: string;
  size: number;
}

export interface PutOptions {
  /** When given, the put fails (and stores nothing) unless the content has this digest. */
  expectedDigest?: string;
  /** Called with the running byte count as content streams in. */
  onProgress?: (bytesSoFar: number) => void;
}

export interface ArtifactEntry {
  /** The entry's full key (decoded), e.g. `model/model.onnx` when listing `model`. */
  path: string;
  isDir: boolean;
  /** Size and digest of a file entry; absent for directories. */
  size?: number;
  digest?: string;
}

export type ByteSource = Readable | AsyncIterable<Uint8Array>;

export interface ArtifactStore {
  putBlob(source: ByteSource, options?: PutOptions): Promise<BlobInfo>;
  /** Stores a local file's bytes (streamed). */
  putFile(path: string, options?: PutOptions): Promise<BlobInfo>;
  statBlob(digest: string): Promise<BlobInfo | undefined>;
  /** A stream of the blob's bytes that errors (INTERNAL) at its end if they do not match the digest. */
  openBlob(digest: string): Promise<Readable>;
  /** A local, read-only file path holding the blob (the object itself for the local store; a cache copy elsewhere). */
  materialize(digest: string): Promise<string>;

  /**
   * Stores content under a key (replacing what the key pointed at) and returns the blob it points at.
   * CONFLICT when a parent of the key is itself a key, or the key is a prefix holding keys.
   */
  put(key: string, source: ByteSource, options?: PutOptions): Promise<BlobInfo>;
  /** Points a key at an existing blob without copying bytes. */
  link(key: string, digest: string): Promise<BlobInfo>;
  stat(key: string): Promise<BlobInfo | undefined>;
  /** The content of a key, verified as `openBlob`. NOT_FOUND when the key does not exist. */
  get(key: string): Promise<Readable>;
  /** Direct children of a key prefix ('' for the root), sorted by path; empty when nothing is there. */
  list(prefix: string): Promise<ArtifactEntry[]>;
  /**
   * Deletes a key, or every key under a prefix. Blobs stay until garbage-collected. Returns the keys removed
   * (0 when nothing was there). The root ('') cannot be deleted: INVALID_ARGUMENT.
   */
  delete(keyOrPrefix: string): Promise<number>;
}
