import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { type ErrorCode, isOspreyError } from '../core/errors.js';
import type { ArtifactStore } from './artifact-store.js';

/** What an implementation's test hands the contract: a fresh, empty store and optional hooks into its storage. */
export interface ContractSubject {
  store: ArtifactStore;
  cleanup(): Promise<void>;
  /** Changes a stored object's bytes behind the store's back (the corruption tests run only when given). */
  corrupt?(digest: string): Promise<void>;
  /** How many objects the store holds (dedup is checked on it when given). */
  countObjects?(): Promise<number>;
}

const EMPTY_DIGEST = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const MISSING_DIGEST = 'f'.repeat(64);
const MiB = 1024 * 1024;

export const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
export const bytes = (text: string) => Readable.from([Buffer.from(text)]);

export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts);
}

/** An `assert.rejects` matcher: an OspreyError with this code whose message contains every text. */
export function ospreyError(code: ErrorCode, ...texts: string[]) {
  return (error: unknown): true => {
    assert.ok(isOspreyError(error, code), `expected an OspreyError ${code}, got ${String(error)}`);
    for (const text of texts) assert.ok(error.message.includes(text), `"${error.message}" should mention ${text}`);
    return true;
  };
}

/** Deterministic content generated chunk by chunk (constant memory), with its digest. */
function generated(totalBytes: number, chunkBytes: number) {
  const chunks = async function* () {
    for (let offset = 0, i = 0; offset < totalBytes; offset += chunkBytes, i++)
      yield Buffer.alloc(Math.min(chunkBytes, totalBytes - offset), sha256(`chunk ${i}`));
  };
  const hash = createHash('sha256');
  for (let offset = 0, i = 0; offset < totalBytes; offset += chunkBytes, i++)
    hash.update(Buffer.alloc(Math.min(chunkBytes, totalBytes - offset), sha256(`chunk ${i}`)));
  return { chunks, digest: hash.digest('hex') };
}

/** Keys every store must reject (INVALID_ARGUMENT); `prefixOk` marks the ones that are valid prefixes to list. */
export const BAD_KEYS: { key: string; why: string; prefixOk?: true }[] = [
  { key: '', why: 'the empty key', prefixOk: true },
  { key: '/etc/passwd', why: 'an absolute path' },
  { key: '/', why: 'the file system root' },
  { key: '//server/share/x', why: 'a UNC-like path' },
  { key: 'C:/Windows/win.ini', why: 'a drive letter' },
  { key: 'c:relative', why: 'a drive-relative path' },
  { key: 'C%3a%5cWindows', why: 'an encoded drive letter' },
  { key: '..', why: 'a parent segment' },
  { key: '.', why: 'a current-folder segment' },
  { key: '../etc/passwd', why: 'plain traversal' },
  { key: '../../../../../../etc/passwd', why: 'deep traversal' },
  { key: 'a/../../b', why: 'traversal inside' },
  { key: 'a/..', why: 'a trailing parent segment' },
  { key: './a', why: 'a leading current-folder segment' },
  { key: 'a/./b', why: 'a current-folder segment inside' },
  { key: '...', why: 'an all-dots segment' },
  { key: 'a//b', why: 'an empty segment' },
  { key: 'a/', why: 'a trailing slash', prefixOk: true },
  { key: 'a\\b', why: 'a backslash' },
  { key: '..\\..\\windows\\win.ini', why: 'backslash traversal (CVE-2023-2780)' },
  { key: '\\\\server\\share', why: 'a backslash UNC path' },
  { key: 'a\u0000b', why: 'a NUL' },
  { key: 'model.onnx%00.txt', why: 'an encoded NUL' },
  { key: 'a\nb', why: 'a newline' },
  { key: 'a%0d%0ab', why: 'an encoded CR LF' },
  { key: 'a\u007fb', why: 'DEL' },
  { key: 'a%c2%85b', why: 'an encoded C1 control' },
  { key: '\ud800x', why: 'an unpaired surrogate' },
  { key: '%2e%2e%2fetc%2fpasswd', why: 'encoded traversal' },
  { key: '%2E%2E/%2E%2E/etc/passwd', why: 'upper-case encoded dots' },
  { key: '..%2fetc', why: 'an encoded slash after dots' },
  { key: '%2e%2e', why: 'encoded dots' },
  { key: '%2e', why: 'an encoded dot' },
  { key: '..%5c..%5cwindows', why: 'encoded backslash traversal' },
  { key: '%252e%252e%252fetc%252fpasswd', why: 'double-encoded traversal' },
  { key: '%25252e%25252e%25252fetc', why: 'triple-encoded traversal' },
  { key: '%2fetc%2fpasswd', why: 'an encoded absolute path' },
  { key: '%c0%ae%c0%ae/etc/passwd', why: 'overlong UTF-8 dots' },
  { key: 'a%c0%afb', why: 'an overlong UTF-8 slash' },
  { key: '%e0%80%ae%e0%80%ae/x', why: 'three-byte overlong dots' },
  { key: '%25c0%25ae%25c0%25ae/etc', why: 'double-encoded overlong dots' },
  { key: '%', why: 'a lone percent sign' },
  { key: '100%25', why: 'an encoded literal percent sign' },
  { key: '%zz', why: 'bad percent-encoding' },
  { key: 'a%2', why: 'truncated percent-encoding' },
  { key: `x%${'25'.repeat(11)}41`, why: 'encoding nested beyond the limit' },
  { key: 'a#b', why: 'a "#"' },
  { key: 'x#/../../etc/passwd', why: 'a fragment hiding traversal (CVE-2023-6909)' },
  { key: 'a?b', why: 'a "?"' },
  { key: 'x?/../y', why: 'a query hiding traversal (CVE-2024-1558)' },
  { key: 'a;b', why: 'a ";"' },
  { key: 'a%23b', why: 'an encoded "#"' },
  { key: 'a%3fb', why: 'an encoded "?"' },
  { key: 'a%3Bb', why: 'an encoded ";"' },
  { key: 'file:///etc/passwd', why: 'a file URL (CVE-2023-1177)' },
  { key: 'mlflow-artifacts:/../../etc', why: 'a URL with traversal' },
  { key: '\uff0e\uff0e/etc', why: 'full-width dots (NFKC "..")' },
  { key: '\uff0e\uff0e\uff0fetc', why: 'a full-width slash (NFKC "../")' },
  { key: 'a\uff3cb', why: 'a full-width backslash' },
  { key: '\u2025/etc', why: 'a two-dot leader (NFKC "..")' },
  { key: '%ef%bc%8e%ef%bc%8e%ef%bc%8fetc', why: 'encoded full-width traversal' },
  { key: 'x'.repeat(256), why: 'a segment over 255 bytes' },
  { key: `${'a/'.repeat(600)}a`, why: 'a key over 1024 bytes' },
];

/** Keys every store must accept, and the key they decode to. */
export const GOOD_KEYS: { key: string; decoded: string }[] = [
  { key: 'model/model.onnx', decoded: 'model/model.onnx' },
  { key: 'a%20b/c.txt', decoded: 'a b/c.txt' },
  { key: 'double%2520encoded.txt', decoded: 'double encoded.txt' },
  { key: '模型/权重.bin', decoded: '模型/权重.bin' },
  { key: 'donn%C3%A9es/%C3%A9t%C3%A9.csv', decoded: 'données/été.csv' },
  { key: 'emoji/🦅 👨‍👩‍👧.txt', decoded: 'emoji/🦅 👨‍👩‍👧.txt' },
  { key: '.hidden/.env', decoded: '.hidden/.env' },
  { key: 'a..b/c...d.tar.gz', decoded: 'a..b/c...d.tar.gz' },
  { key: 'run:1/metrics-2024-01-01T10:00:00.json', decoded: 'run:1/metrics-2024-01-01T10:00:00.json' },
  { key: `x/${'n'.repeat(255)}`, decoded: `x/${'n'.repeat(255)}` },
];

export function artifactStoreContract(name: string, open: () => Promise<ContractSubject>): void {
  describe(`ArtifactStore contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: ArtifactStore;
    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });
    afterEach(() => subject.cleanup());

    describe('blobs', () => {
      it('stores bytes under their SHA-256 and reads them back', async () => {
        const info = await store.putBlob(bytes('hello osprey'));
        assert.deepEqual(info, { digest: sha256('hello osprey'), size: 12 });
        assert.deepEqual(await store.statBlob(info.digest), info);
        assert.equal((await readAll(await store.openBlob(info.digest))).toString(), 'hello osprey');
      });

      it('accepts Readables and async iterables of bytes or strings alike', async () => {
        const fromIterable = await store.putBlob(
          (async function* () {
            yield new TextEncoder().encode('ab');
            yield new Uint8Array([99]);
          })(),
        );
        const fromStrings = await store.putBlob(Readable.from(['a', 'bc']));
        assert.equal(fromIterable.digest, sha256('abc'));
        assert.deepEqual(fromStrings, fromIterable);
      });

      it('stores empty content', async () => {
        const info = await store.putBlob(Readable.from([]));
        assert.deepEqual(info, { digest: EMPTY_DIGEST, size: 0 });
        assert.equal((await readAll(await store.openBlob(EMPTY_DIGEST))).length, 0);
        await store.put('empty.txt', Readable.from([]));
        assert.equal((await readAll(await store.get('empty.txt'))).length, 0);
      });

      it('materializes a blob as a local file holding its bytes', async () => {
        const { digest } = await store.putBlob(bytes('on disk'));
        assert.equal(await readFile(await store.materialize(digest), 'utf8'), 'on disk');
      });

      it('streams large content in and out, reporting progress', async () => {
        const content = generated(64 * MiB + 123, MiB);
        const progress: number[] = [];
        const source = Readable.from(content.chunks(), { objectMode: false });
        const info = await store.put('big/blob.bin', source, { onProgress: (n) => progress.push(n) });
        assert.deepEqual(info, { digest: content.digest, size: 64 * MiB + 123 });
        assert.equal(progress.at(-1), info.size);
        assert.deepEqual(
          progress,
          [...progress].sort((a, b) => a - b),
        );
        const hash = createHash('sha256');
        for await (const chunk of await store.get('big/blob.bin')) hash.update(chunk);
        assert.equal(hash.digest('hex'), content.digest);
      });

      it('stores the same bytes once', async () => {
        const first = await store.putBlob(bytes('same'));
        const second = await store.putBlob(bytes('same'));
        const viaKeys = [await store.put('a/x', bytes('same')), await store.put('b/y', bytes('same'))];
        assert.deepEqual(second, first);
        assert.deepEqual(viaKeys, [first, first]);
        if (subject.countObjects) assert.equal(await subject.countObjects(), 1);
      });

      it('accepts content matching expectedDigest', async () => {
        const info = await store.putBlob(bytes('expected'), { expectedDigest: sha256('expected') });
        assert.equal(info.digest, sha256('expected'));
      });

      it('rejects content not matching expectedDigest, storing nothing', async () => {
        const claimed = sha256('something else');
        await assert.rejects(
          store.putBlob(bytes('actual'), { expectedDigest: claimed }),
          ospreyError('INVALID_ARGUMENT', claimed),
        );
        await assert.rejects(
          store.put('k.txt', bytes('actual'), { expectedDigest: claimed }),
          ospreyError('INVALID_ARGUMENT'),
        );
        assert.equal(await store.statBlob(sha256('actual')), undefined);
        assert.equal(await store.stat('k.txt'), undefined);
        if (subject.countObjects) assert.equal(await subject.countObjects(), 0);
      });

      it('stores nothing when the content stream fails midway', async () => {
        const failing = (async function* () {
          yield Buffer.from('partial');
          throw new Error('connection reset');
        })();
        await assert.rejects(store.put('broken.bin', failing), ospreyError('INVALID_ARGUMENT', 'connection reset'));
        assert.equal(await store.stat('broken.bin'), undefined);
        assert.equal(await store.statBlob(sha256('partial')), undefined);
      });

      for (const bad of ['', 'abc', 'F'.repeat(64), `${'a'.repeat(63)}g`, '../../etc/passwd', `${'a'.repeat(64)}/..`])
        it(`rejects the malformed digest ${JSON.stringify(bad)}`, async () => {
          const invalid = ospreyError('INVALID_ARGUMENT');
          await assert.rejects(store.statBlob(bad), invalid);
          await assert.rejects(store.openBlob(bad), invalid);
          await assert.rejects(store.materialize(bad), invalid);
          await assert.rejects(store.link('k', bad), invalid);
          await assert.rejects(store.putBlob(bytes('x'), { expectedDigest: bad }), invalid);
        });

      it('reports missing blobs: NOT_FOUND to read, undefined to stat', async () => {
        assert.equal(await store.statBlob(MISSING_DIGEST), undefined);
        await assert.rejects(store.openBlob(MISSING_DIGEST), ospreyError('NOT_FOUND', MISSING_DIGEST));
        await assert.rejects(store.materialize(MISSING_DIGEST), ospreyError('NOT_FOUND', MISSING_DIGEST));
        await assert.rejects(store.link('k', MISSING_DIGEST), ospreyError('NOT_FOUND', MISSING_DIGEST));
      });

      it('stores a local file, and says NOT_FOUND for a missing one', async () => {
        const path = join(tmpdir(), `osprey-contract-${process.pid}-${Date.now()}.txt`);
        await writeFile(path, 'file content');
        assert.deepEqual(await store.putFile(path), { digest: sha256('file content'), size: 12 });
        await assert.rejects(store.putFile(`${path}.missing`), ospreyError('NOT_FOUND', `${path}.missing`));
      });

      it('fails the read of a corrupt object with INTERNAL naming its digest', async (t) => {
        if (!subject.corrupt) return t.skip('this store offers no corruption hook');
        const { digest } = await store.put('model/model.onnx', bytes('weights'));
        await subject.corrupt(digest);
        await assert.rejects(readAll(await store.openBlob(digest)), ospreyError('INTERNAL', digest));
        await assert.rejects(readAll(await store.get('model/model.onnx')), ospreyError('INTERNAL', digest));
      });
    });

    describe('keys', () => {
      it('stores content under a key, and replaces it', async () => {
        const v1 = await store.put('run/model.bin', bytes('v1'));
        assert.deepEqual(await store.stat('run/model.bin'), v1);
        assert.equal((await readAll(await store.get('run/model.bin'))).toString(), 'v1');
        const v2 = await store.put('run/model.bin', bytes('v2 longer'));
        assert.deepEqual(await store.stat('run/model.bin'), v2);
        assert.equal((await readAll(await store.get('run/model.bin'))).toString(), 'v2 longer');
      });

      it('links a key to an existing blob', async () => {
        const blob = await store.putBlob(bytes('shared'));
        assert.deepEqual(await store.link('copies/one', blob.digest), blob);
        assert.deepEqual(await store.stat('copies/one'), blob);
        assert.equal((await readAll(await store.get('copies/one'))).toString(), 'shared');
      });

      it('says NOT_FOUND for a missing key, and undefined to stat it', async () => {
        assert.equal(await store.stat('no/such/key'), undefined);
        await assert.rejects(store.get('no/such/key'), ospreyError('NOT_FOUND', 'no/such/key'));
      });

      it('refuses a key that is also a folder of keys (CONFLICT)', async () => {
        await store.put('a', bytes('file'));
        await assert.rejects(store.put('a/b', bytes('under a file')), ospreyError('CONFLICT', 'a/b'));
        await store.put('x/y', bytes('in folder'));
        await assert.rejects(store.put('x', bytes('over a folder')), ospreyError('CONFLICT', 'x'));
        const { digest } = await store.putBlob(bytes('z'));
        await assert.rejects(store.link('x', digest), ospreyError('CONFLICT'));
        assert.equal((await readAll(await store.get('a'))).toString(), 'file');
      });

      it('lists the direct children of a prefix, sorted, with size and digest for files', async () => {
        const onnx = await store.put('model/model.onnx', bytes('onnx'));
        const conda = await store.put('model/conda.yaml', bytes('conda'));
        await store.put('model/data/weights.bin', bytes('weights'));
        const metrics = await store.put('metrics.json', bytes('{}'));
        const b = await store.put('b.txt', bytes('b'));
        assert.deepEqual(await store.list(''), [
          { path: 'b.txt', isDir: false, ...b },
          { path: 'metrics.json', isDir: false, ...metrics },
          { path: 'model', isDir: true },
        ]);
        const model = [
          { path: 'model/conda.yaml', isDir: false, ...conda },
          { path: 'model/data', isDir: true },
          { path: 'model/model.onnx', isDir: false, ...onnx },
        ];
        assert.deepEqual(await store.list('model'), model);
        assert.deepEqual(await store.list('model/'), model);
        assert.deepEqual(
          (await store.list('model%2Fdata')).map((e) => e.path),
          ['model/data/weights.bin'],
        );
      });

      it('lists nothing under a missing prefix or a key', async () => {
        await store.put('file.txt', bytes('f'));
        assert.deepEqual(await store.list(''), [{ path: 'file.txt', isDir: false, ...(await store.stat('file.txt')) }]);
        assert.deepEqual(await store.list('nothing/here'), []);
        assert.deepEqual(await store.list('file.txt'), []);
      });

      it('deletes a key or a whole prefix, returning the count, and keeps the blobs', async () => {
        const onnx = await store.put('run/model/model.onnx', bytes('onnx'));
        await store.put('run/model/conda.yaml', bytes('conda'));
        await store.put('run/model/data/w.bin', bytes('w'));
        await store.put('run/metrics.json', bytes('{}'));
        assert.equal(await store.delete('run/model/data/w.bin'), 1);
        assert.deepEqual(
          (await store.list('run/model')).map((e) => e.path),
          ['run/model/conda.yaml', 'run/model/model.onnx'],
        );
        assert.equal(await store.delete('run/model'), 2);
        assert.deepEqual(
          (await store.list('run')).map((e) => e.path),
          ['run/metrics.json'],
        );
        assert.equal(await store.stat('run/model/model.onnx'), undefined);
        assert.deepEqual(await store.statBlob(onnx.digest), onnx);
        assert.equal(await store.delete('run/model'), 0);
        assert.equal(await store.delete('run/metrics.json'), 1);
        assert.deepEqual(await store.list(''), []);
      });

      it('refuses to delete the root', async () => {
        await store.put('keep.txt', bytes('keep'));
        await assert.rejects(store.delete(''), ospreyError('INVALID_ARGUMENT'));
        assert.equal((await store.list('')).length, 1);
      });
    });

    describe('path safety', () => {
      for (const { key, why, prefixOk } of BAD_KEYS)
        it(`rejects ${why}: ${JSON.stringify(key).slice(0, 60)}`, async () => {
          const { digest } = await store.putBlob(bytes('x'));
          const invalid = ospreyError('INVALID_ARGUMENT');
          await assert.rejects(store.put(key, bytes('x')), invalid);
          await assert.rejects(store.link(key, digest), invalid);
          await assert.rejects(store.stat(key), invalid);
          await assert.rejects(store.get(key), invalid);
          await assert.rejects(store.delete(key), invalid);
          if (!prefixOk) await assert.rejects(store.list(key), invalid);
          assert.deepEqual(await store.list(''), []);
        });

      for (const { key, decoded } of GOOD_KEYS)
        it(`accepts ${JSON.stringify(key)}`, async () => {
          const info = await store.put(key, bytes(decoded));
          assert.deepEqual(await store.stat(decoded), info);
          assert.equal((await readAll(await store.get(key))).toString(), decoded);
          const parent = decoded.includes('/') ? decoded.slice(0, decoded.lastIndexOf('/')) : '';
          assert.deepEqual(await store.list(parent), [{ path: decoded, isDir: false, ...info }]);
          assert.equal(await store.delete(key), 1);
        });
    });
  });
}
