import type { FileHandle } from 'node:fs/promises';
import type { OspreyError } from '../../core/errors.js';
import { fsError, writeFully } from './fs-util.js';

/** Dirty bytes after which a background `fdatasync` starts, so the final sync has little left to flush. */
export const SYNC_EVERY_BYTES = 32 * 1024 * 1024;

/**
 * Appends chunks to a file with up to `maxBytesInFlight` bytes being written at once (0: one chunk at a time),
 * so the thread pool writes while the caller hashes the next chunks, and flushes to disk as it goes.
 * A chunk must not be changed by its producer until `write`'s promise for a later chunk has settled.
 */
export class ChunkWriter {
  private readonly inFlight = new Set<Promise<void>>();
  private bytesInFlight = 0;
  private position = 0;
  private unsynced = 0;
  private syncing: Promise<void> | undefined;
  private failure: OspreyError | undefined;

  constructor(
    private readonly handle: FileHandle,
    private readonly path: string,
    private readonly maxBytesInFlight: number,
  ) {}

  /** Starts writing `bytes`; settles once there is room for the next chunk (throws a write failure). */
  write(bytes: Buffer): Promise<void> {
    const task: Promise<void> = writeFully(this.handle, bytes, this.position)
      .catch((error: unknown) => this.fail(error, 'writing'))
      .finally(() => {
        this.inFlight.delete(task);
        this.bytesInFlight -= bytes.length;
      });
    this.inFlight.add(task);
    this.bytesInFlight += bytes.length;
    this.position += bytes.length;
    this.unsynced += bytes.length;
    if (this.unsynced >= SYNC_EVERY_BYTES && !this.syncing) {
      this.unsynced = 0;
      this.syncing = this.handle
        .datasync()
        .catch((error: unknown) => this.fail(error, 'syncing'))
        .finally(() => {
          this.syncing = undefined;
        });
    }
    return this.room();
  }

  /** Waits for every write, then syncs the file's data to disk. */
  async finish(): Promise<void> {
    await this.settle();
    this.throwIfFailed();
    await this.handle.datasync().catch((error: unknown) => this.fail(error, 'syncing'));
    this.throwIfFailed();
  }

  /** Waits for pending work without throwing (before closing the file on failure). */
  async settle(): Promise<void> {
    await Promise.all([...this.inFlight, this.syncing]);
  }

  private async room(): Promise<void> {
    while (this.bytesInFlight > this.maxBytesInFlight && this.inFlight.size > 0) await Promise.race(this.inFlight);
    this.throwIfFailed();
  }

  private fail(error: unknown, action: string): void {
    this.failure ??= fsError(error, action, this.path);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }
}
