/**
 * Starts a worker thread on a module beside the caller: the compiled `.js`; or, when running from TypeScript
 * sources (tests, benchmarks under tsx), the `.ts` source through tsx's loader, which a worker does not inherit
 * from its parent's `--import tsx`.
 */
import { Worker } from 'node:worker_threads';

/** `callerUrl` is the caller's `import.meta.url`; `entry` the module's path relative to it, without extension. */
export function startWorker(callerUrl: string, entry: string, workerData: unknown): Worker {
  if (!callerUrl.endsWith('.ts')) return new Worker(new URL(`${entry}.js`, callerUrl), { workerData });
  const source = new URL(`${entry}.ts`, callerUrl).href;
  const boot = `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(source)}); });`;
  return new Worker(boot, { eval: true, workerData });
}
