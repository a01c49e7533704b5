import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { OspreyError } from '../../core/errors.js';
import { isDigest } from '../../core/hashing.js';
import type { BlobInfo } from '../artifact-store.js';
import { errnoCode, fsError, fsyncDir, tempPath, writeFully } from './fs-util.js';

/** A key's ref file (`refs/<key>`): JSON `{digest,size}`. Undefined when the key does not exist. */
export async function readRef(key: string, file: string): Promise<BlobInfo | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes(errnoCode(error) ?? '')) return undefined;
    throw fsError(error, 'reading', file);
  }
  const info = parseRef(text);
  if (!info)
    throw new OspreyError('INTERNAL', `the record of artifact ${key} (${file}) is corrupt`, { details: { key, file } });
  return info;
}

function parseRef(text: string): BlobInfo | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { digest, size } = (value ?? {}) as { digest?: unknown; size?: unknown };
  if (typeof digest !== 'string' || !isDigest(digest)) return undefined;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) return undefined;
  return { digest, size };
}

/** Writes a ref atomically: temp file, fsync, rename into place, fsync the folder(s). */
export async function writeRef(refsDir: string, tmpDir: string, key: string, file: string, info: BlobInfo) {
  const temp = tempPath(tmpDir, 'ref');
  try {
    const handle = await open(temp, 'wx', 0o644);
    try {
      await writeFully(handle, Buffer.from(JSON.stringify({ digest: info.digest, size: info.size })));
      await handle.sync();
    } finally {
      await handle.close();
    }
    const folder = dirname(file);
    // A concurrent delete may prune the folder between mkdir and rename: retry a few times.
    for (let attempt = 1; ; attempt++) {
      try {
        const created = await mkdir(folder, { recursive: true });
        await rename(temp, file);
        await fsyncDir(folder);
        if (created !== undefined) await fsyncParents(created, folder, refsDir);
        return;
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT' && attempt < 5) continue;
        if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'ENOTEMPTY')
          throw new OspreyError('CONFLICT', `cannot store ${key}: a parent is an artifact, or it is a folder`, {
            details: { key },
            cause: error,
          });
        throw error;
      }
    }
  } catch (error) {
    await rm(temp, { force: true });
    throw fsError(error, 'writing the record of', file);
  }
}

/** Makes newly created folders durable: fsyncs each parent from `folder`'s up to the first created one's. */
async function fsyncParents(firstCreated: string, folder: string, refsDir: string): Promise<void> {
  const stop = dirname(firstCreated);
  for (let d = dirname(folder); d.startsWith(refsDir); d = dirname(d)) {
    await fsyncDir(d);
    if (d === stop) return;
  }
}
