import { randomUUID } from 'node:crypto';
import { type FileHandle, lstat, open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { OspreyError } from '../../core/errors.js';

/** Read and write chunk size: large chunks keep hashing and I/O near disk speed. */
export const CHUNK_BYTES = 1024 * 1024;

export function errnoCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Wraps a file system error in an OspreyError saying what was being done, and where. */
export function fsError(error: unknown, action: string, path: string): OspreyError {
  if (error instanceof OspreyError) return error;
  const code = errnoCode(error);
  const reason = error instanceof Error ? error.message : String(error);
  const message = `artifact store: ${action} ${path} failed: ${reason}`;
  if (code === 'ENOSPC' || code === 'EDQUOT') return new OspreyError('RESOURCE_EXHAUSTED', message, { cause: error });
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new OspreyError('PERMISSION_DENIED', message, { cause: error });
  return new OspreyError('INTERNAL', message, { cause: error });
}

/** A fresh name in the temp directory; `kind` only helps a human reading the litter. */
export function tempPath(tmpDir: string, kind: 'blob' | 'ref' | 'deleted'): string {
  return join(tmpDir, `${Date.now()}-${randomUUID()}.${kind}`);
}

/** Makes a directory's entries (a rename into it) durable. Some platforms cannot fsync directories: ignored there. */
export async function fsyncDir(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (error) {
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(errnoCode(error) ?? '')) throw error;
  } finally {
    await handle?.close();
  }
}

/** Writes all of `data` at `position` (a write may be partial). */
export async function writeFully(handle: FileHandle, data: Uint8Array, position = 0): Promise<void> {
  let offset = 0;
  while (offset < data.length) {
    const { bytesWritten } = await handle.write(data, offset, data.length - offset, position + offset);
    offset += bytesWritten;
  }
}

/** Removes temp entries older than `olderThanMs` (litter of killed writers); returns how many. */
export async function sweepTemp(tmpDir: string, olderThanMs: number, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpDir)) {
    const path = join(tmpDir, name);
    try {
      // Temp names start with their creation time: a folder moved here for deletion keeps its old mtime.
      const created = Number.parseInt(name, 10) || 0;
      if (now - Math.max((await stat(path)).mtimeMs, created) < olderThanMs) continue;
      await rm(path, { recursive: true, force: true });
      removed++;
    } catch (error) {
      if (errnoCode(error) !== 'ENOENT') throw fsError(error, 'removing stale temp', path);
    }
  }
  return removed;
}

/** `stat`, or undefined when nothing is there. */
export async function statOrUndefined(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return undefined;
    throw fsError(error, 'reading', path);
  }
}

/** `lstat`, or undefined when nothing is there. */
export async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return undefined;
    throw fsError(error, 'reading', path);
  }
}
