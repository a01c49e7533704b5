import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { cacheKey, specDigest } from '../spec/digest.js';
import type { FunctionImplementation, PipelineSpec } from '../spec/types.js';
import { compile, compileFile } from './compile.js';

// Function components are found again by the executor in the step's own process: by module and export name.
// These tests write real modules to a temporary directory and compile them.

const DSL = new URL('../dsl/index.js', import.meta.url).href;
const COMPILER = new URL('./compile.js', import.meta.url).href;
let dir: string;
let version = 0;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'osprey-code-'));
});
after(() => rm(dir, { recursive: true, force: true }));

/** Writes `source` to `name` (.mts: ES modules wherever they sit) and imports it fresh, under a new URL. */
async function load(name: string, source: string): Promise<Record<string, unknown>> {
  const path = join(dir, name);
  await writeFile(path, `import { component, pipeline } from '${DSL}';\n${source}`);
  return import(`${pathToFileURL(path).href}?v=${++version}`);
}

const stepModule = (body: string) => `
export const step = component({ name: 'step', inputs: { n: 'number' }, outputs: { m: 'number' } }, ({ n }) => (${body}));
export default pipeline({ name: 'code' }, () => { step({ n: 1 }); });
`;

async function compileSteps(body: string): Promise<PipelineSpec> {
  return compile((await load('steps.mts', stepModule(body))).default);
}

describe('component code identity', () => {
  it('a code change changes the source digest, the component digest, the spec digest and the cache key', async () => {
    const before = await compileSteps('{ m: n + 1 }');
    const changed = await compileSteps('{ m: n + 2 }');
    const restored = await compileSteps('{ m: n + 1 }');
    const impl = (spec: PipelineSpec) => spec.components.step!.implementation as FunctionImplementation;
    assert.equal(impl(before).module, 'steps.mts');
    assert.equal(impl(changed).module, 'steps.mts');
    assert.notEqual(impl(changed).sourceDigest, impl(before).sourceDigest);
    assert.notEqual(changed.components.step!.digest, before.components.step!.digest);
    assert.notEqual(specDigest(changed), specDigest(before));
    assert.notEqual(cacheKey(changed.components.step!, { n: 1 }), cacheKey(before.components.step!, { n: 1 }));
    assert.deepEqual(restored, before, 'the identity depends on the code, not on when or how it was loaded');
  });

  it('a component that is not exported cannot be loaded by a step process: a compile error says so', async () => {
    const module = await load(
      'hidden.mts',
      `const hidden = component({ name: 'hidden' }, async () => {});
export default pipeline({ name: 'h' }, () => { hidden(); });`,
    );
    await assert.rejects(
      compile(module.default),
      /component 'hidden' is not exported from .*hidden\.mts: .*add `export`/,
    );
  });

  it('two different components may not share a name', async () => {
    const module = await load(
      'dup.mts',
      `export const a = component({ name: 'dup' }, async () => {});
export const b = component({ name: 'dup', inputs: { x: 'number' } }, async () => {});
export default pipeline({ name: 'd' }, () => { a(); b({ x: 1 }); });`,
    );
    await assert.rejects(
      compile(module.default),
      /two different components are named 'dup' \(the second is used by task 'dup-2'/,
    );
  });

  it('compiling from the top level of the module that defines a component is refused, not a silent hang', async () => {
    await assert.rejects(
      load(
        'self.mts',
        `import { compile } from '${COMPILER}';
export const s = component({ name: 's' }, async () => {});
await compile(pipeline({ name: 'self' }, () => { s(); }));`,
      ),
      /compile\(\) was called while .*self\.mts is still being loaded/,
    );
  });

  it('compileFile compiles the default export, or names the pipelines a module exports', async () => {
    await writeFile(
      join(dir, 'named.mts'),
      `import { component, pipeline } from '${DSL}';
export const s = component({ name: 's' }, async () => {});
export const first = pipeline({ name: 'first' }, () => { s(); });`,
    );
    const spec = await compileFile(join(dir, 'named.mts'), { exportName: 'first' });
    assert.equal(spec.name, 'first');
    await assert.rejects(
      compileFile(join(dir, 'named.mts')),
      /named\.mts has no default export that is a pipeline \(pipelines it exports: first\)/,
    );
  });
});
