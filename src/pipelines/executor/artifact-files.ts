import { chmod, copyFile, mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { ArtifactStore } from '../../artifacts/artifact-store.js';
import { OspreyError } from '../../core/errors.js';
import { canonicalJson, sha256Hex } from '../../core/hashing.js';
import { hashFile } from '../../data/content.js';
import type { ArtifactType, JsonValue } from '../spec/types.js';
import type { ArtifactRef } from './values.js';

// Moving artifacts between step directories and the content-addressed ArtifactStore. A file is one blob; a
// directory is a manifest blob (the dataset manifest format) listing a blob per file, so its digest covers
// every path and byte.

const MANIFEST_KIND = 'osprey.dataset-manifest/v1';
interface Manifest {
  kind: typeof MANIFEST_KIND;
  files: { digest: string; path: string; size: number }[];
}

/** Stores what a step wrote at `path` (a file or directory); fails when it wrote nothing there. */
export async function storeOutput(
  artifacts: ArtifactStore,
  path: string,
  type: ArtifactType,
  metadata: { [key: string]: JsonValue },
): Promise<ArtifactRef> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new OspreyError('INVALID_ARGUMENT', `the step wrote no ${type} output at ${path}`);
  if (info.isFile()) return { type, digest: (await artifacts.putFile(path)).digest, kind: 'file', metadata };
  const files: Manifest['files'] = [];
  for (const file of await listFiles(path)) {
    const blob = await artifacts.putFile(file);
    files.push({ digest: blob.digest, path: relative(path, file).split(sep).join('/'), size: blob.size });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = { files, kind: MANIFEST_KIND };
  const blob = await artifacts.putBlob(Readable.from([Buffer.from(canonicalJson(manifest))]));
  return { type, digest: blob.digest, kind: 'directory', metadata };
}

/**
 * The digest `storeOutput` would give what is at `path`, computed without storing anything (a step run outside the
 * orchestrator, e.g. `osprey step` in an Argo pod, reports its inputs' digests this way).
 */
export async function contentDigest(path: string): Promise<string> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw new OspreyError('INVALID_ARGUMENT', `no file or directory at ${path}`);
  if (info.isFile()) return hashFile(path);
  const files: Manifest['files'] = [];
  for (const file of await listFiles(path)) {
    const size = (await stat(file)).size;
    files.push({ digest: await hashFile(file), path: relative(path, file).split(sep).join('/'), size });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return sha256Hex(canonicalJson({ files, kind: MANIFEST_KIND } satisfies Manifest));
}

/**
 * What is stored under `key` in the artifact store (a model version's location) as an artifact: a key holding a
 * file is that blob; a prefix is a directory, recorded as a manifest of its files (the digest `storeOutput` would
 * give the same directory). NOT_FOUND when nothing is there.
 */
export async function keyArtifact(
  artifacts: ArtifactStore,
  key: string,
  type: ArtifactType,
  metadata: { [key: string]: JsonValue },
): Promise<ArtifactRef> {
  const blob = await artifacts.stat(key);
  if (blob) return { type, digest: blob.digest, kind: 'file', metadata };
  const files: Manifest['files'] = [];
  const walk = async (prefix: string): Promise<void> => {
    for (const entry of await artifacts.list(prefix)) {
      if (entry.isDir) await walk(entry.path);
      else files.push({ digest: entry.digest!, path: entry.path.slice(key.length + 1), size: entry.size ?? 0 });
    }
  };
  await walk(key);
  if (files.length === 0) throw new OspreyError('NOT_FOUND', `nothing is stored at ${key}`);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const manifest: Manifest = { files, kind: MANIFEST_KIND };
  const stored = await artifacts.putBlob(Readable.from([Buffer.from(canonicalJson(manifest))]));
  return { type, digest: stored.digest, kind: 'directory', metadata };
}

/** Copies an artifact to `dest` (a file, or a directory for a directory artifact) and makes it read-only. */
export async function materialize(artifacts: ArtifactStore, ref: ArtifactRef, dest: string): Promise<void> {
  await mkdir(dirname(dest), { recursive: true });
  if (ref.kind === 'file') {
    await copyFile(await artifacts.materialize(ref.digest), dest);
    await chmod(dest, 0o444);
    return;
  }
  const manifest = { files: await manifestFiles(artifacts, ref.digest) };
  const dirs = new Set<string>([dest]);
  for (const file of manifest.files) {
    const target = join(dest, ...file.path.split('/'));
    await mkdir(dirname(target), { recursive: true });
    for (let d = dirname(target); d.startsWith(dest); d = dirname(d)) dirs.add(d);
    await copyFile(await artifacts.materialize(file.digest), target);
    await chmod(target, 0o444);
  }
  await mkdir(dest, { recursive: true });
  for (const dir of [...dirs].sort().reverse()) await chmod(dir, 0o555);
}

/** The files of a directory artifact, each with its path inside the directory and its blob digest. */
export async function manifestFiles(artifacts: ArtifactStore, digest: string): Promise<Manifest['files']> {
  return (JSON.parse(await readBlobText(artifacts, digest)) as Manifest).files;
}

/** The JSON content of a file artifact (a Metrics artifact's `{ "accuracy": 0.93 }`). */
export async function readArtifactJson(artifacts: ArtifactStore, ref: ArtifactRef): Promise<JsonValue> {
  if (ref.kind !== 'file') throw new OspreyError('INVALID_ARGUMENT', `a ${ref.type} directory has no JSON content`);
  const text = await readBlobText(artifacts, ref.digest);
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    throw new OspreyError('INVALID_ARGUMENT', `the ${ref.type} artifact ${ref.digest.slice(0, 12)} is not JSON`);
  }
}

async function readBlobText(artifacts: ArtifactStore, digest: string): Promise<string> {
  return readFile(await artifacts.materialize(digest), 'utf8');
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? listFiles(join(dir, e.name)) : Promise.resolve([join(dir, e.name)]))),
  );
  return nested.flat();
}
