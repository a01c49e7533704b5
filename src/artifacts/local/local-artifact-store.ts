import { mkdirSync } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, rename, rm, rmdir, unlink } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { invalidArgument, isOspreyError, notFound, OspreyError } from '../../core/errors.js';
import { isDigest } from '../../core/hashing.js';
import type { ArtifactEntry, ArtifactStore, BlobInfo, ByteSource, PutOptions } from '../artifact-store.js';
import { joinKey, normalizeKey, normalizePrefix } from '../keys.js';
import { openVerified, streamToTemp, type TempBlob } from './blob-io.js';
import {
  CHUNK_BYTES,
  errnoCode,
  fsError,
  fsyncDir,
  lstatOrUndefined,
  statOrUndefined,
  sweepTemp,
  tempPath,
} from './fs-util.js';
import { RefPaths } from './ref-paths.js';
import { readRef, writeRef } from './refs.js';

/** Temp files older than this belong to killed writers and are removed by `open`. */
export const STALE_TEMP_MS = 60 * 60 * 1000;

/**
 * The artifact store on the local file system (`$OSPREY_HOME/artifacts`):
 * `objects/<2 hex>/<62 hex>` holds read-only blobs, `refs/<key>` small JSON files `{digest,size}`, and `tmp/` the
 * files being written. Everything becomes visible by an atomic rename after an fsync, so a writer killed at any
 * point leaves only temp litter. A key cannot be both a file and a folder: that put fails with CONFLICT.
 */
export class LocalArtifactStore implements ArtifactStore {
  readonly root: string;
  private readonly objectsDir: string;
  private readonly refs: RefPaths;
  private readonly tmpDir: string;

  /** Creates the root and its folders when missing. `open` also sweeps stale temp files. */
  constructor(root: string) {
    this.root = resolve(root);
    this.objectsDir = join(this.root, 'objects');
    this.tmpDir = join(this.root, 'tmp');
    const refsDir = join(this.root, 'refs');
    for (const dir of [this.objectsDir, refsDir, this.tmpDir]) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (error) {
        throw fsError(error, 'creating', dir);
      }
    }
    this.refs = new RefPaths(refsDir);
  }

  static async open(root: string, options: { staleTempMs?: number } = {}): Promise<LocalArtifactStore> {
    const store = new LocalArtifactStore(root);
    await store.sweepTemp(options.staleTempMs ?? STALE_TEMP_MS);
    return store;
  }

  /** Removes temp files older than `olderThanMs`; returns how many. */
  sweepTemp(olderThanMs: number = STALE_TEMP_MS): Promise<number> {
    return sweepTemp(this.tmpDir, olderThanMs);
  }

  async putBlob(source: ByteSource, options: PutOptions = {}): Promise<BlobInfo> {
    const expected = options.expectedDigest;
    if (expected !== undefined) requireDigest(expected, 'expectedDigest');
    const temp = await streamToTemp(source, tempPath(this.tmpDir, 'blob'), options.onProgress);
    try {
      if (expected !== undefined && temp.digest !== expected)
        throw invalidArgument(
          `the content's digest ${temp.digest} does not match expectedDigest ${expected}; nothing was stored`,
          { expectedDigest: expected, actualDigest: temp.digest },
        );
      await this.publishObject(temp);
    } catch (error) {
      await rm(temp.path, { force: true });
      throw error;
    }
    return { digest: temp.digest, size: temp.size };
  }

  async putFile(path: string, options: PutOptions = {}): Promise<BlobInfo> {
    if (options.expectedDigest !== undefined) requireDigest(options.expectedDigest, 'expectedDigest');
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw notFound(`file ${path} does not exist`, { path });
      throw fsError(error, 'opening', path);
    }
    const isFile = await handle.stat().then(
      (s) => s.isFile(),
      () => false,
    );
    if (!isFile) {
      await handle.close();
      throw invalidArgument(`${path} is not a regular file`, { path });
    }
    const stream = handle.createReadStream({ highWaterMark: CHUNK_BYTES });
    try {
      return await this.putBlob(stream, options);
    } finally {
      stream.destroy();
    }
  }

  async statBlob(digest: string): Promise<BlobInfo | undefined> {
    requireDigest(digest, 'digest');
    const info = await statOrUndefined(this.objectPath(digest));
    return info?.isFile() ? { digest, size: info.size } : undefined;
  }

  async openBlob(digest: string): Promise<Readable> {
    requireDigest(digest, 'digest');
    const path = this.objectPath(digest);
    try {
      return await openVerified(path, digest);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') throw notFound(`blob ${digest} does not exist`, { digest });
      throw fsError(error, 'opening', path);
    }
  }

  async materialize(digest: string): Promise<string> {
    if (!(await this.statBlob(digest))) throw notFound(`blob ${digest} does not exist`, { digest });
    return this.objectPath(digest);
  }

  async put(key: string, source: ByteSource, options: PutOptions = {}): Promise<BlobInfo> {
    const k = normalizeKey(key);
    const file = await this.refs.fileOf(k);
    await this.refs.assertWritable(k, file);
    const info = await this.putBlob(source, options);
    await writeRef(this.refs.dir, this.tmpDir, k, file, info);
    return info;
  }

  async link(key: string, digest: string): Promise<BlobInfo> {
    const k = normalizeKey(key);
    const file = await this.refs.fileOf(k);
    const info = await this.statBlob(digest);
    if (!info) throw notFound(`blob ${digest} does not exist: put its content before linking ${k} to it`, { digest });
    await this.refs.assertWritable(k, file);
    await writeRef(this.refs.dir, this.tmpDir, k, file, info);
    return info;
  }

  async stat(key: string): Promise<BlobInfo | undefined> {
    const k = normalizeKey(key);
    return readRef(k, await this.refs.fileOf(k));
  }

  async get(key: string): Promise<Readable> {
    const k = normalizeKey(key);
    const info = await readRef(k, await this.refs.fileOf(k));
    if (!info) throw notFound(`artifact ${k} does not exist`, { key: k });
    try {
      return await this.openBlob(info.digest);
    } catch (error) {
      if (!isOspreyError(error, 'NOT_FOUND')) throw error;
      throw new OspreyError('INTERNAL', `artifact ${k} points at blob ${info.digest}, which is missing`, {
        details: { key: k, digest: info.digest },
      });
    }
  }

  async list(prefix: string): Promise<ArtifactEntry[]> {
    const p = normalizePrefix(prefix);
    const dir = p === '' ? this.refs.dir : await this.refs.fileOf(p);
    let names: { name: string; isDirectory(): boolean; isFile(): boolean }[];
    try {
      names = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      if (['ENOENT', 'ENOTDIR'].includes(errnoCode(error) ?? '')) return [];
      throw fsError(error, 'listing', dir);
    }
    const entries: ArtifactEntry[] = [];
    for (let i = 0; i < names.length; i += 64) {
      const batch = names.slice(i, i + 64).map(async (entry): Promise<ArtifactEntry | undefined> => {
        if (!isKeySegment(entry.name)) return undefined;
        const path = joinKey(p, entry.name);
        if (entry.isDirectory()) return { path, isDir: true };
        if (!entry.isFile()) return undefined;
        const info = await readRef(path, join(dir, entry.name));
        return info && { path, isDir: false, size: info.size, digest: info.digest };
      });
      for (const entry of await Promise.all(batch)) if (entry) entries.push(entry);
    }
    return entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async delete(keyOrPrefix: string): Promise<number> {
    const k = normalizeKey(keyOrPrefix);
    const target = await this.refs.fileOf(k);
    const info = await lstatOrUndefined(target);
    if (!info) return 0;
    let removed: number;
    try {
      removed = info.isDirectory() ? await this.removeFolder(target) : await unlink(target).then(() => 1);
    } catch (error) {
      if (errnoCode(error) === 'ENOENT') return 0;
      throw fsError(error, 'deleting', target);
    }
    await this.pruneEmptyParents(dirname(target));
    return removed;
  }

  /** Moves the folder into tmp/ (one atomic step), then counts its keys and removes it. */
  private async removeFolder(dir: string): Promise<number> {
    const graveyard = tempPath(this.tmpDir, 'deleted');
    await rename(dir, graveyard);
    await fsyncDir(dirname(dir));
    const entries = await readdir(graveyard, { recursive: true, withFileTypes: true });
    const count = entries.filter((e) => e.isFile()).length;
    await rm(graveyard, { recursive: true, force: true });
    return count;
  }

  private async pruneEmptyParents(dir: string): Promise<void> {
    for (let d = dir; d.startsWith(this.refs.dir + sep); d = dirname(d)) {
      try {
        await rmdir(d);
      } catch {
        return;
      }
    }
  }

  private objectPath(digest: string): string {
    return join(this.objectsDir, digest.slice(0, 2), digest.slice(2));
  }

  /** Renames a verified temp blob into place; when the object already exists (same size) the temp is dropped. */
  private async publishObject(temp: TempBlob): Promise<void> {
    const target = this.objectPath(temp.digest);
    const shard = dirname(target);
    try {
      const created = await mkdir(shard, { recursive: true });
      const existing = await statOrUndefined(target);
      if (existing?.isFile() && existing.size === temp.size) {
        await rm(temp.path, { force: true });
        return;
      }
      await rename(temp.path, target);
      await fsyncDir(shard);
      if (created !== undefined) await fsyncDir(this.objectsDir);
    } catch (error) {
      throw fsError(error, 'storing object', target);
    }
  }
}

function requireDigest(value: string, what: string): void {
  if (typeof value !== 'string' || !isDigest(value))
    throw invalidArgument(`${what} ${JSON.stringify(value)} is not a SHA-256 digest (64 lower-case hex characters)`);
}

/** Names that no key could produce (stray files) are not listed. */
function isKeySegment(name: string): boolean {
  try {
    return normalizeKey(name) === name;
  } catch {
    return false;
  }
}
