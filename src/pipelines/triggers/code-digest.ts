import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { invalidArgument } from '../../core/errors.js';

const CHILD = fileURLToPath(new URL('./code-digest-child.js', import.meta.url));
const CHILD_SOURCE = CHILD.replace(/\.js$/, '.ts');

/**
 * The spec digest of a pipeline file, compiled in a fresh process: a long-running server's module cache would
 * otherwise keep answering with the code it loaded first. Changes to any component's code change it.
 */
export async function pipelineCodeDigest(file: string): Promise<string> {
  const fromSource = import.meta.url.endsWith('.ts');
  const args = fromSource ? ['--import', 'tsx', CHILD_SOURCE, file] : ['--import', 'tsx', CHILD, file];
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_NO_WARNINGS: '1' },
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const digest = out.trim().split('\n').at(-1) ?? '';
  if (code === 13)
    throw invalidArgument(
      `cannot compile ${file}: loading it never finished (a .ts file outside an ESM package is loaded as CommonJS: name it .mts or add "type": "module" to its package.json)`,
      { file },
    );
  if (code !== 0 || !/^[0-9a-f]{64}$/.test(digest))
    throw invalidArgument(`cannot compile ${file}: ${err.trim().split('\n').at(-1) || `exit code ${code}`}`, { file });
  return digest;
}
