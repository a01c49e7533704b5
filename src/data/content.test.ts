import assert from 'node:assert/strict';
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isOspreyError } from '../core/errors.js';
import { sha256Hex } from '../core/hashing.js';
import { hashContent, storeContent } from './content.js';
import { type DataFixture, openDataFixture } from './test-support/fixture.js';

let fx: DataFixture;
before(async () => {
  fx = await openDataFixture();
});
after(() => fx.cleanup());

const countObjects = async () => (await readdir(join(fx.dir, 'artifacts', 'objects'), { recursive: true })).length;

describe('content: hash first, then store what is missing', () => {
  it('hashes without writing, and stores each new file once', async () => {
    const path = join(fx.dir, 'a.csv');
    await writeFile(path, 'x,y\n1,2\n');
    const before = await countObjects();
    const content = await hashContent(path);
    assert.equal(content.digest, sha256Hex('x,y\n1,2\n'));
    assert.equal(await countObjects(), before, 'hashing writes nothing');
    await storeContent(fx.artifacts, content);
    await storeContent(fx.artifacts, content);
    assert.ok(await fx.artifacts.statBlob(content.digest));
  });

  it('refuses (CONFLICT) a file that changed between hashing and storing, storing nothing of it', async () => {
    const path = join(fx.dir, 'b.csv');
    await writeFile(path, 'x,y\n1,2\n3,4\n');
    const content = await hashContent(path);
    await writeFile(path, 'x,y\n9,9\n');
    await assert.rejects(
      storeContent(fx.artifacts, content),
      (e: unknown) => isOspreyError(e, 'CONFLICT') && e.message.includes(path),
    );
    assert.equal(await fx.artifacts.statBlob(content.digest), undefined);
    assert.equal(await fx.artifacts.statBlob(sha256Hex('x,y\n9,9\n')), undefined);
  });
});
