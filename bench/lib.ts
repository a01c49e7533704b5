import { spawnSync } from 'node:child_process';

/** Median of a few runs: the machines are shared and noisy, so compare ratios taken in one run. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export async function timeIt(run: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Drops the page cache where allowed (root on Linux), so runs start cold alike; a no-op elsewhere. */
export function dropCaches(): void {
  spawnSync('sh', ['-c', 'sync && echo 1 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
}

export function report(title: string, rows: [string, string][]): void {
  console.log(`\n${title}`);
  for (const [k, v] of rows) console.log(`  ${k.padEnd(38)} ${v}`);
}
