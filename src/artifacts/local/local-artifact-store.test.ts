import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  appendFile,
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  stat,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  artifactStoreContract,
  BAD_KEYS,
  bytes,
  GOOD_KEYS,
  ospreyError,
  readAll,
  sha256,
} from '../artifact-store.contract.js';
import { LocalArtifactStore } from './local-artifact-store.js';
import { patternContent, patternDigest, WRITER_CHUNK_BYTES } from './test-support/content.js';

const WRITER = fileURLToPath(new URL('./test-support/slow-writer.ts', import.meta.url));
const MiB = 1024 * 1024;
const HOUR = 60 * 60 * 1000;

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath ?? e.path, e.name));
}

/** Flips the first byte (or adds one to an empty file), keeping the object's name. */
async function corruptFile(path: string): Promise<void> {
  await chmod(path, 0o644);
  const data = await readFile(path);
  if (data.length === 0) return writeFile(path, 'x');
  data[0] = data[0]! ^ 0xff;
  await writeFile(path, data);
}

artifactStoreContract('local', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-artifacts-'));
  const store = await LocalArtifactStore.open(join(dir, 'artifacts'));
  return {
    store,
    cleanup: () => rm(dir, { recursive: true, force: true }),
    corrupt: async (digest) => corruptFile(await store.materialize(digest)),
    countObjects: async () => (await filesUnder(join(store.root, 'objects'))).length,
  };
});

/** Runs the slow writer and SIGKILLs it once it reports being midway through its put. */
async function killWriterMidway(root: string, key: string, seed: string, total: number, slowAfter: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WRITER, root, key, seed, String(total), String(slowAfter)],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stderr.on('data', (data) => {
    output += data;
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (data) => {
      output += data;
      if (output.includes('WRITING')) resolve();
    });
    child.on('exit', () => reject(new Error(`the writer exited before it was killed:\n${output}`)));
  });
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  assert.ok(!output.includes('DONE'));
}

describe('LocalArtifactStore on disk', () => {
  let dir: string;
  let root: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'osprey-artifacts-'));
    root = join(dir, 'artifacts');
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('creates its root and folders when missing', async () => {
    const store = new LocalArtifactStore(join(root, 'nested', 'deeper'));
    assert.deepEqual((await readdir(store.root)).sort(), ['objects', 'refs', 'tmp']);
  });

  it('keeps objects read-only at objects/<2 hex>/<62 hex> and refs as JSON under refs/', async () => {
    const store = await LocalArtifactStore.open(root);
    const info = await store.put('model/model.onnx', bytes('onnx bytes'));
    const object = await store.materialize(info.digest);
    assert.equal(object, join(root, 'objects', info.digest.slice(0, 2), info.digest.slice(2)));
    assert.equal((await stat(object)).mode & 0o777, 0o444);
    assert.deepEqual(JSON.parse(await readFile(join(root, 'refs', 'model', 'model.onnx'), 'utf8')), info);
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
  });

  it('leaves no temp files after deletes, duplicate puts and failed puts', async () => {
    const store = await LocalArtifactStore.open(root);
    await store.put('a/b/c', bytes('c'));
    await store.put('a/b/d', bytes('c'));
    await assert.rejects(
      store.put('e', bytes('e'), { expectedDigest: sha256('not e') }),
      ospreyError('INVALID_ARGUMENT'),
    );
    assert.equal(await store.delete('a'), 2);
    assert.deepEqual(await readdir(join(root, 'tmp')), []);
    assert.deepEqual(await readdir(join(root, 'refs')), []);
  });

  it('a writer killed mid-put leaves neither object nor ref, and the same put then succeeds', async () => {
    const seed = 'killed-writer';
    const total = 64 * MiB;
    const digest = patternDigest(seed, total, WRITER_CHUNK_BYTES);
    await killWriterMidway(root, 'models/big.bin', seed, total, 4 * MiB);

    const store = await LocalArtifactStore.open(root);
    assert.equal(await store.stat('models/big.bin'), undefined);
    assert.equal(await store.statBlob(digest), undefined);
    assert.deepEqual(await store.list(''), []);
    assert.deepEqual(await filesUnder(join(root, 'objects')), []);
    const litter = await filesUnder(join(root, 'tmp'));
    assert.equal(litter.length, 1, 'the partial write stays as temp litter only');
    assert.ok((await stat(litter[0]!)).size >= 4 * MiB);

    const info = await store.put('models/big.bin', patternContent(seed, total, WRITER_CHUNK_BYTES));
    assert.deepEqual(info, { digest, size: total });
    const hash = createHash('sha256');
    for await (const chunk of await store.get('models/big.bin')) hash.update(chunk);
    assert.equal(hash.digest('hex'), digest);
  });

  it('a writer killed while replacing a key leaves the old content in place', async () => {
    const store = await LocalArtifactStore.open(root);
    const old = await store.put('models/current.bin', bytes('old model'));
    await killWriterMidway(root, 'models/current.bin', 'replacement', 32 * MiB, 2 * MiB);
    assert.deepEqual(await store.stat('models/current.bin'), old);
    assert.equal((await readAll(await store.get('models/current.bin'))).toString(), 'old model');
  });

  it('open removes temp litter older than an hour and keeps recent files', async () => {
    new LocalArtifactStore(root);
    const stale = join(root, 'tmp', `${Date.now() - 2 * HOUR}-stale.blob`);
    const staleFolder = join(root, 'tmp', `${Date.now() - 2 * HOUR}-stale.deleted`);
    const recent = join(root, 'tmp', `${Date.now()}-recent.blob`);
    await writeFile(stale, 'partial');
    await mkdir(join(staleFolder, 'x'), { recursive: true });
    await writeFile(recent, 'in progress');
    const past = new Date(Date.now() - 2 * HOUR);
    for (const path of [stale, staleFolder]) await utimes(path, past, past);
    await LocalArtifactStore.open(root);
    assert.deepEqual(await readdir(join(root, 'tmp')), [`${recent.slice(recent.lastIndexOf(sep) + 1)}`]);
  });

  it('detects a same-size bit flip in an object, and a corrupt ref', async () => {
    const store = await LocalArtifactStore.open(root);
    const { digest } = await store.put('m/w.bin', bytes('weights'));
    await corruptFile(await store.materialize(digest));
    assert.equal((await store.statBlob(digest))?.size, 7);
    await assert.rejects(readAll(await store.get('m/w.bin')), ospreyError('INTERNAL', digest));
    await writeFile(join(root, 'refs', 'm', 'w.bin'), '{"digest":"nope"}');
    await assert.rejects(store.stat('m/w.bin'), ospreyError('INTERNAL', 'm/w.bin'));
    await assert.rejects(store.list('m'), ospreyError('INTERNAL', 'm/w.bin'));
  });

  it('says INTERNAL when a key points at a missing object', async () => {
    const store = await LocalArtifactStore.open(root);
    const { digest } = await store.put('gone.bin', bytes('gone'));
    await rm(await store.materialize(digest));
    await assert.rejects(store.get('gone.bin'), ospreyError('INTERNAL', 'gone.bin', digest));
  });

  it('repairs a truncated or extended object when its content is put again', async () => {
    const store = await LocalArtifactStore.open(root);
    const { digest } = await store.put('r.bin', bytes('repair me'));
    const object = await store.materialize(digest);
    await chmod(object, 0o644);
    await appendFile(object, 'junk');
    await store.putBlob(bytes('repair me'));
    assert.equal((await readAll(await store.get('r.bin'))).toString(), 'repair me');
    assert.equal((await stat(object)).mode & 0o777, 0o444);
  });

  it('keeps every file it writes under its root, whatever the key', async () => {
    const store = await LocalArtifactStore.open(root);
    for (const { key } of GOOD_KEYS) await store.put(key, bytes(key));
    for (const { key } of BAD_KEYS) await assert.rejects(store.put(key, bytes(key)), ospreyError('INVALID_ARGUMENT'));
    assert.deepEqual(await readdir(dir), ['artifacts']);
    const files = await filesUnder(root);
    assert.ok(files.every((f) => f.startsWith(join(root, 'objects') + sep) || f.startsWith(join(root, 'refs') + sep)));
    assert.equal(files.length, GOOD_KEYS.length * 2);
  });

  it('does not list stray files no key could name, nor follow symlinks', async () => {
    const store = await LocalArtifactStore.open(root);
    await writeFile(join(root, 'refs', 'x%41'), 'stray');
    await symlink(dir, join(root, 'refs', 'escape'));
    await store.put('real.txt', bytes('real'));
    assert.deepEqual(
      (await store.list('')).map((e) => e.path),
      ['real.txt'],
    );
    const outside = ospreyError('INVALID_ARGUMENT', 'outside the store');
    await assert.rejects(store.list('escape'), outside);
    await assert.rejects(store.put('escape/planted.txt', bytes('planted')), outside);
    await assert.rejects(store.stat('escape/artifacts/refs/real.txt'), outside);
    assert.deepEqual(await readdir(dir), ['artifacts']);
  });

  it('refuses to store a folder as a file', async () => {
    const store = await LocalArtifactStore.open(root);
    await assert.rejects(store.putFile(dir), ospreyError('INVALID_ARGUMENT', dir));
  });
});
