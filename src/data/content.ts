import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { invalidArgument, notFound, OspreyError } from '../core/errors.js';
import { canonicalJson } from '../core/hashing.js';

/** One file of a dataset version, stored in the artifact store. */
export interface DataFile {
  /** Path relative to the added directory (posix separators), or the file's base name. */
  path: string;
  digest: string;
  size: number;
}

export interface StoredContent {
  kind: 'file' | 'directory';
  /** The file's digest, or the digest of the directory's manifest (which is itself stored as a blob). */
  digest: string;
  sizeBytes: number;
  files: DataFile[];
}

export const MANIFEST_KIND = 'osprey.dataset-manifest/v1';

export type ByteProgress = (done: number, total: number) => void;

/**
 * Streams a file, or every file of a directory (recursively, dot-files skipped, sorted by path), into the artifact
 * store. A directory is identified by the SHA-256 of its canonical manifest: sorted paths with their digests and sizes.
 */
export async function storeContent(
  artifacts: ArtifactStore,
  sourcePath: string,
  onProgress?: ByteProgress,
): Promise<StoredContent> {
  const info = await statOrThrow(sourcePath);
  if (info.isFile()) {
    const blob = await artifacts.putFile(sourcePath, progressOf(0, info.size, onProgress));
    const name = sourcePath.split(sep).pop() ?? sourcePath;
    return { kind: 'file', digest: blob.digest, sizeBytes: blob.size, files: [{ path: name, ...blob }] };
  }
  if (!info.isDirectory()) throw invalidArgument(`${sourcePath}: neither a file nor a directory`, { file: sourcePath });
  const paths = await listFiles(sourcePath);
  if (paths.length === 0) throw invalidArgument(`${sourcePath}: the directory holds no files`, { file: sourcePath });
  const sizes = await Promise.all(paths.map(async (p) => (await stat(p)).size));
  const total = sizes.reduce((a, b) => a + b, 0);
  const files: DataFile[] = [];
  let done = 0;
  for (const [i, path] of paths.entries()) {
    const blob = await artifacts.putFile(path, progressOf(done, total, onProgress));
    done += blob.size;
    files.push({ path: relative(sourcePath, path).split(sep).join('/'), ...blob });
    if (blob.size !== sizes[i]) throw new OspreyError('CONFLICT', `${path} changed while it was being read; add again`);
  }
  const manifest = Buffer.from(canonicalJson({ kind: MANIFEST_KIND, files }));
  const blob = await artifacts.putBlob(Readable.from([manifest]));
  return { kind: 'directory', digest: blob.digest, sizeBytes: total, files };
}

/** The files of a stored directory version, read back from its manifest blob. */
export async function readManifest(artifacts: ArtifactStore, digest: string): Promise<DataFile[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of await artifacts.openBlob(digest)) chunks.push(chunk as Buffer);
  const manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { kind?: string; files?: DataFile[] };
  if (manifest.kind !== MANIFEST_KIND || !Array.isArray(manifest.files))
    throw new OspreyError('INTERNAL', `blob ${digest} is not a dataset manifest`);
  return manifest.files;
}

async function statOrThrow(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw notFound(`${path}: no such file or directory`, { file: path });
    if (code === 'EACCES') throw new OspreyError('PERMISSION_DENIED', `${path}: permission denied`, { cause: error });
    throw error;
  }
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries
      .filter((e) => !e.name.startsWith('.'))
      .map(async (e) => {
        const path = join(dir, e.name);
        if (e.isDirectory()) return listFiles(path);
        return e.isFile() ? [path] : [];
      }),
  );
  return nested.flat().sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

function progressOf(offset: number, total: number, onProgress?: ByteProgress) {
  return onProgress ? { onProgress: (bytes: number) => onProgress(offset + bytes, total) } : {};
}
