import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { formatSpec, specDigest } from '../spec/digest.js';
import { parseSpec } from '../spec/schema.js';
import type { PipelineSpec, TaskSpec } from '../spec/types.js';
import { walkTasks } from '../spec/walk.js';
import { lintWorkflow } from './argo/test-support/lint.js';
import { compileArgo, toArgoWorkflow } from './argo/workflow.js';
import { compileFile } from './compile.js';

// Every example is compiled and compared byte for byte with its pinned spec and Argo manifest in fixtures/.
// After an intended change, rewrite them with:  UPDATE_GOLDEN=1 node scripts/run-tests.mjs src/pipelines/compiler/golden
const EXAMPLES = ['train-pipeline', 'hyperparameter-sweep', 'nested-pipeline', 'python-command', 'gated-pipeline'];
const ARGO = { image: 'ghcr.io/osprey-examples/weather:1.0' };
const update = process.env.UPDATE_GOLDEN === '1';
const examplePath = (name: string) => fileURLToPath(new URL(`../../../examples/${name}.ts`, import.meta.url));
const fixture = (file: string) => new URL(`./fixtures/${file}`, import.meta.url);

async function matchesGolden(file: string, actual: string): Promise<void> {
  if (update) return writeFile(fixture(file), actual);
  const expected = await readFile(fixture(file), 'utf8').catch(() => '(missing)');
  assert.ok(actual === expected, `${file} differs from the compiled example; if intended, rerun with UPDATE_GOLDEN=1`);
}

const specs = new Map<string, PipelineSpec>();
async function compiled(name: string): Promise<PipelineSpec> {
  if (!specs.has(name)) specs.set(name, await compileFile(examplePath(name)));
  return specs.get(name)!;
}

for (const name of EXAMPLES) {
  describe(`examples/${name}.ts`, () => {
    it('compiles to the pinned spec, which the executor reads back unchanged with the same digest', async () => {
      const spec = await compiled(name);
      const text = formatSpec(spec);
      await matchesGolden(`${name}.spec.json`, text);
      const reread = parseSpec(await readFile(fixture(`${name}.spec.json`), 'utf8'));
      assert.deepEqual(reread, spec);
      assert.equal(specDigest(reread), specDigest(spec));
    });

    it('compiles to the pinned Argo manifest, valid for the Argo schema and internally consistent', async () => {
      const spec = await compiled(name);
      await matchesGolden(`${name}.argo.yaml`, compileArgo(spec, ARGO));
      assert.deepEqual(lintWorkflow(toArgoWorkflow(spec, ARGO)), []);
    });
  });
}

describe('the examples together', () => {
  it('use every DSL feature', async () => {
    const all = await Promise.all(EXAMPLES.map(compiled));
    const tasks = all.flatMap((s) =>
      [s, ...Object.values(s.pipelines)].flatMap((d) => [...walkTasks([...d.tasks, ...d.exitHandler])].map(([t]) => t)),
    );
    const components = all.flatMap((s) => Object.values(s.components));
    const bindings = JSON.stringify(tasks);
    const has = (what: string, found: boolean) => assert.ok(found, `no example shows ${what}`);
    const of = <K extends TaskSpec['kind']>(kind: K) =>
      tasks.filter((t): t is Extract<TaskSpec, { kind: K }> => t.kind === kind);
    has(
      'a parameter with a default',
      all.some((s) => Object.values(s.params).some((p) => p.default !== undefined)),
    );
    for (const type of ['Dataset', 'Model', 'Metrics', 'Artifact']) {
      has(
        `a ${type} artifact`,
        components.some((c) => Object.values(c.outputs).some((o) => o.type === type)),
      );
    }
    has(
      '.after() without a data dependency',
      tasks.some((t) => t.dependsOn.some((d) => !JSON.stringify(t).includes(`"task":"${d}"`))),
    );
    has(
      'when(metric.gt(param))',
      of('condition').some((c) => c.if.op === 'gt' && JSON.stringify(c.if).includes('"path"')),
    );
    has(
      '.otherwise(...)',
      of('condition').some((c) => c.whenFalse.length > 0),
    );
    has(
      'outputs from both branches',
      of('condition').some((c) => Object.keys(c.outputs).length > 0),
    );
    has(
      'forEach with parallelism',
      of('loop').some((l) => l.parallelism !== null),
    );
    has(
      'collect()',
      of('loop').some((l) => Object.keys(l.outputs).length > 0),
    );
    has('a loop item field', bindings.includes('"from":"item","loop"') && bindings.includes('"path":["learningRate"]'));
    has(
      'an exit handler',
      all.some((s) => s.exitHandler.length > 0),
    );
    has('a pipeline used as a component', of('pipeline').length > 0);
    has(
      'commandComponent',
      components.some((c) => c.implementation.kind === 'command'),
    );
    has(
      'retry',
      of('component').some((t) => t.retry.attempts > 1),
    );
    has(
      'a timeout',
      of('component').some((t) => t.timeoutMs !== null),
    );
    has(
      'cache',
      of('component').some((t) => t.cache),
    );
  });
});
