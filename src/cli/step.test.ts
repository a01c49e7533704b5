import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { bundledDataset, SEATTLE_WEATHER } from '../data/bundled.js';
import { compileFile, toArgoWorkflow } from '../pipelines/compiler/index.js';
import { runCli } from './test-support/run-cli.js';

const examples = fileURLToPath(new URL('../../examples/', import.meta.url));
let dir: string;
let env: Record<string, string>;
let commands: Map<string, string[]>;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-step-'));
  env = { OSPREY_HOME: join(dir, 'home'), OSPREY_DB: '' };
  const workflow = toArgoWorkflow(await compileFile(join(examples, 'train-pipeline.ts')), { image: 'steps:1' }) as {
    spec: { templates: { name: string; container?: { command: string[] } }[] };
  };
  commands = new Map(
    workflow.spec.templates.filter((t) => t.container).map((t) => [t.name, t.container?.command ?? []]),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

/** The container command of an Argo template, made local: /osprey/… under `root`, the module by absolute path. */
function localCommand(template: string, root: string, params: Record<string, string>): string[] {
  const command = commands.get(template);
  assert.ok(command, `the manifest has a container template ${template}`);
  assert.deepEqual(command.slice(0, 2), ['osprey', 'step']);
  return command.slice(2).map((arg, i, all) => {
    if (all[i - 1] === '--module') return join(examples, arg);
    return arg
      .replaceAll('/osprey/', `${root}/`)
      .replace(/\{\{inputs\.parameters\.(\w+)\}\}/, (_, name: string) => params[name] ?? '');
  });
}

describe('osprey step', () => {
  it("runs the Argo manifest's own commands for prepare and train on real files", async () => {
    const root = join(dir, 'pod');
    await mkdir(join(root, 'inputs'), { recursive: true });
    await mkdir(join(root, 'outputs'), { recursive: true });
    const prepare = localCommand('prepare', root, { minRows: '1000' }).map((a) =>
      a === `raw=${root}/inputs/raw` ? `raw=${bundledDataset(SEATTLE_WEATHER)}` : a,
    );
    const prepared = await runCli(['step', ...prepare], env);
    assert.equal(prepared.code, 0, prepared.stderr);
    const rows = Number(await readFile(join(root, 'outputs', 'rows'), 'utf8'));
    assert.ok(rows > 1000, `rows output written where Argo reads it: ${rows}`);
    const train = localCommand('train', root, { learningRate: '0.5', epochs: '50' }).map((a) =>
      a === `data=${root}/inputs/data` ? `data=${root}/outputs/clean` : a,
    );
    const trained = await runCli(['step', ...train], env);
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stdout, /metric accuracy=0\.\d+/);
    const metrics = JSON.parse(await readFile(join(root, 'outputs', 'metrics'), 'utf8')) as { accuracy: number };
    assert.ok(metrics.accuracy > 0.5);
    assert.ok((await stat(join(root, 'outputs', 'model'))).size > 0);
  });

  it('refuses changed code and mistyped parameters with a clear error', async () => {
    const root = join(dir, 'bad');
    const prepare = localCommand('prepare', root, { minRows: '1000' });
    const digest = prepare.indexOf('--source-digest') + 1;
    const changed = prepare.map((a, i) => (i === digest ? 'f'.repeat(64) : a));
    const stale = await runCli(['step', ...changed], env);
    assert.equal(stale.code, 1);
    assert.match(stale.stderr, /the code of component 'prepare' changed since the pipeline was compiled/);
    const missing = await runCli(['step', ...prepare], env);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /input 'raw': no file or directory at .*inputs\/raw/);
    const mistyped = await runCli(
      [
        'step',
        ...localCommand('prepare', root, { minRows: 'many' }).map((a) =>
          a.startsWith('raw=') ? `raw=${bundledDataset(SEATTLE_WEATHER)}` : a,
        ),
      ],
      env,
    );
    assert.equal(mistyped.code, 2);
    assert.match(mistyped.stderr, /input 'minRows': many is not a number/);
    const bare = await runCli(['step', '--export', 'prepare'], env);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /needs --request FILE, or --module, --export and --source-digest/);
  });
});
