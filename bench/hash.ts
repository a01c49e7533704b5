// `osprey data add` hashing vs a bare Node stream that reads and SHA-256-hashes the same file, in the same run.
// Target (issue 2): within 1.25× of the bare stream. Osprey's step also copies the bytes into the artifact store.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { LocalArtifactStore } from '../src/artifacts/local/local-artifact-store.js';
import { median, report, timeIt } from './lib.js';

const SIZE = Number(process.env.BENCH_HASH_BYTES ?? 1024 ** 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

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

async function bareHash(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

export async function benchHash(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'osprey-bench-hash-'));
  try {
    const file = join(dir, 'data.bin');
    await writeRandomFile(file, SIZE);
    await bareHash(file); // warm the page cache: both sides then read from memory alike
    const bare: number[] = [];
    const osprey: number[] = [];
    const sha256sum: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      bare.push(await timeIt(() => bareHash(file)));
      const store = await LocalArtifactStore.open(join(dir, `store-${run}`));
      osprey.push(await timeIt(() => store.putFile(file)));
      await rm(join(dir, `store-${run}`), { recursive: true, force: true });
      sha256sum.push(await timeIt(async () => spawnSync('sha256sum', [file])));
    }
    const gbps = (s: number) => `${(SIZE / s / 1e9).toFixed(2)} GB/s`;
    const b = median(bare);
    const o = median(osprey);
    report(`hashing ${(SIZE / 1024 ** 3).toFixed(2)} GiB, median of ${RUNS} (page cache warm)`, [
      ['bare Node stream + sha256 (peer)', `${b.toFixed(2)} s  ${gbps(b)}`],
      ['osprey data add: hash + store (putFile)', `${o.toFixed(2)} s  ${gbps(o)}`],
      ['coreutils sha256sum', `${median(sha256sum).toFixed(2)} s  ${gbps(median(sha256sum))}`],
      ['ratio osprey / bare (target ≤ 1.25)', `${(o / b).toFixed(3)}`],
    ]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
