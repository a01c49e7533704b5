import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { invalidArgument } from '../../core/errors.js';
import { OSPREY_ALIAS } from '../executor/launch.js';
import type { PipelineSpec } from '../spec/types.js';

const CHILD = fileURLToPath(new URL('./code-digest-child.js', import.meta.url));
const CHILD_SOURCE = CHILD.replace(/\.js$/, '.ts');

/**
 * The spec digest of a pipeline file, compiled in a fresh process: a long-running server's module cache would
 * otherwise keep answering with the code it loaded first. Changes to any component's code change it.
 */
export async function pipelineCodeDigest(file: string): Promise<string> {
  const digest = await compileInChild(file, []);
  if (!/^[0-9a-f]{64}$/.test(digest)) throw invalidArgument(`cannot compile ${file}: no digest came back`, { file });
  return digest;
}

/** The compiled spec of a pipeline file, compiled fresh in its own process (see pipelineCodeDigest). */
export async function compilePipelineFresh(file: string): Promise<PipelineSpec> {
  return JSON.parse(await compileInChild(file, ['--spec'])) as PipelineSpec;
}

async function compileInChild(file: string, flags: string[]): Promise<string> {
  const fromSource = import.meta.url.endsWith('.ts');
  const args = [
    '--import',
    import.meta.resolve('tsx'),
    '--import',
    OSPREY_ALIAS,
    fromSource ? CHILD_SOURCE : CHILD,
    file,
    ...flags,
  ];
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
  const last = out.trim().split('\n').at(-1) ?? '';
  if (code === 13)
    throw invalidArgument(
      `cannot compile ${file}: loading it never finished (a .ts file outside an ESM package is loaded as CommonJS: name it .mts or add "type": "module" to its package.json)`,
      { file },
    );
  if (code !== 0)
    throw invalidArgument(`cannot compile ${file}: ${err.trim().split('\n').at(-1) || `exit code ${code}`}`, { file });
  return last;
}
