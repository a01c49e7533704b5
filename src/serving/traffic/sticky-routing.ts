import { createHash } from 'node:crypto';

/**
 * Whether the request keyed `key` goes to the challenger when it receives `percent` % of the traffic. Sticky: a key
 * always lands on the same side for a given share, and a key on the challenger at 10 % stays there at 50 %
 * (the bucket is fixed; the share only moves the boundary), as Argo Rollouts and Flagger route by header.
 */
export function routesToChallenger(key: string, percent: number): boolean {
  if (!(percent > 0)) return false;
  if (percent >= 100) return true;
  return bucketOf(key) < percent * 100;
}

/** The key's bucket in [0, 10000): SHA-256 of the key, first 4 bytes, modulo 10000. */
export function bucketOf(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % 10_000;
}
