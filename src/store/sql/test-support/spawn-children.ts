import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD = fileURLToPath(new URL('./sqlite-child.ts', import.meta.url));

export interface ChildResult {
  schemaVersion: number;
  created: number;
}

/**
 * Starts one sqlite-child process per label, waits until every one has loaded, then releases them all at once.
 * Resolves with each child's result; rejects with its stderr when one fails.
 */
export async function runSqliteChildren(path: string, adds: number, labels: string[]): Promise<ChildResult[]> {
  const children = labels.map((label) =>
    spawn(process.execPath, ['--import', 'tsx', CHILD, path, String(adds), label], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, NODE_NO_WARNINGS: '1' },
    }),
  );
  const outputs = children.map((child) => {
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => stdout.startsWith('ready\n') && resolve());
      child.on('exit', () => reject(new Error(`child exited before it was ready: ${stderr}`)));
    });
    const done = new Promise<ChildResult>((resolve, reject) => {
      child.on('exit', (code) => {
        if (code !== 0) return reject(new Error(`child exited with ${code}: ${stderr}`));
        const last = stdout.trim().split('\n').at(-1) ?? '';
        resolve(JSON.parse(last) as ChildResult);
      });
    });
    done.catch(() => {}); // awaited below; this only keeps an early failure from being unhandled meanwhile
    return { ready, done };
  });
  await Promise.all(outputs.map((o) => o.ready));
  for (const child of children) child.stdin.end('go\n');
  return Promise.all(outputs.map((o) => o.done));
}
