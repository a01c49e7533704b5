// `osprey data add` hashing vs a bare Node stream that reads and SHA-256-hashes the same file, in the same run.
// Target (issue 2): the hashing within 1.25× of the bare stream. `data add` hashes first (read only), returns at once
// when the content is known, and otherwise stores the bytes (copy + fsync), measured here as its own stage.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LocalArtifactStore } from '../src/artifacts/local/local-artifact-store.js';
import { hashContent, storeContent } from '../src/data/content.js';
import { median, report, timeIt } from './lib.js';

const SIZE = Number(process.env.BENCH_HASH_BYTES ?? 1024 ** 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

async function writeRandomFile(path: string, size: number): Promise<void> {
  const file = await open(path, 'w');
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let i = 0; i < chunk.length; i += 4) chunk.writeUInt32LE((Math.random() * 2 ** 32) >>> 0, i);
  for (let written = 0; written < size; written += chunk.length) {
    chunk.writeUInt32LE(written >>> 0, 0); // every chunk differs
    await file.write(chunk, 0, Math.min(chunk.length, size - written));
  }
  await file.close();
}

/** The peer: a plain read stream piped into SHA-256, with Node's default 64 KiB reads or with 1 MiB reads. */
async function bareHash(path: string, highWaterMark?: number): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path, highWaterMark ? { highWaterMark } : {}), hash);
  return hash.digest('hex');
}

export async function benchHash(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-bench-hash-'));
  try {
    const file = join(dir, 'data.bin');
    await writeRandomFile(file, SIZE);
    await bareHash(file); // warm the page cache: every variant then reads from memory alike
    const times: Record<'bare' | 'bare1m' | 'hash' | 'store' | 'sha256sum', number[]> = {
      bare: [],
      bare1m: [],
      hash: [],
      store: [],
      sha256sum: [],
    };
    for (let run = 0; run < RUNS; run++) {
      times.bare.push(await timeIt(() => bareHash(file)));
      times.bare1m.push(await timeIt(() => bareHash(file, 1024 * 1024)));
      let content: Awaited<ReturnType<typeof hashContent>> | undefined;
      times.hash.push(await timeIt(async () => (content = await hashContent(file))));
      const store = await LocalArtifactStore.open(join(dir, `store-${run}`));
      times.store.push(await timeIt(() => storeContent(store, content!)));
      await rm(join(dir, `store-${run}`), { recursive: true, force: true });
      times.sha256sum.push(await timeIt(async () => spawnSync('sha256sum', [file])));
    }
    const gbps = (s: number) => `${(SIZE / s / 1e9).toFixed(2)} GB/s`;
    const [bare64k, bare1m, hash, store, sum] = [
      times.bare,
      times.bare1m,
      times.hash,
      times.store,
      times.sha256sum,
    ].map(median) as number[];
    const bare = Math.min(bare64k!, bare1m!); // the peer at its best
    report(`hashing ${(SIZE / 1024 ** 3).toFixed(2)} GiB, median of ${RUNS} (page cache warm)`, [
      ['bare Node stream + sha256, 64 KiB reads', `${bare64k!.toFixed(2)} s  ${gbps(bare64k!)}`],
      ['bare Node stream + sha256, 1 MiB reads', `${bare1m!.toFixed(2)} s  ${gbps(bare1m!)}`],
      ['osprey data add: hashing', `${hash!.toFixed(2)} s  ${gbps(hash!)}`],
      ['ratio hashing / faster bare (target ≤ 1.25)', `${(hash! / bare).toFixed(3)}`],
      [
        'osprey data add: storing new content',
        `${store!.toFixed(2)} s  ${gbps(store!)} (copy + fsync; skipped when known)`,
      ],
      ['coreutils sha256sum', `${sum!.toFixed(2)} s  ${gbps(sum!)}`],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
