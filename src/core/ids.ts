import { randomUUID } from 'node:crypto';

/** A 32-hex-character id (MLflow's run id shape): random, URL- and path-safe. */
export function newId(): string {
  return randomUUID().replaceAll('-', '');
}
