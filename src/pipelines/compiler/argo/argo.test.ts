import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { commandComponent } from '../../dsl/command.js';
import { component } from '../../dsl/component.js';
import { collect, forEach, onExit, pipeline, when } from '../../dsl/index.js';
import { Dataset, Model } from '../../dsl/types.js';
import { compile } from '../compile.js';
import { archive, echo, fit, load, score, summarize } from '../test-support/steps.js';
import type { ArgoTemplate, ArgoWorkflow } from './manifest.js';
import { lintWorkflow } from './test-support/lint.js';
import { compileArgo, toArgoWorkflow } from './workflow.js';

const IMAGE = { image: 'registry.example/steps:1' };
const template = (wf: ArgoWorkflow, name: string) => wf.spec.templates.find((t) => t.name === name) as ArgoTemplate;

async function workflowOf(p: Parameters<typeof compile>[0]): Promise<ArgoWorkflow> {
  const wf = toArgoWorkflow(await compile(p), IMAGE);
  assert.deepEqual(lintWorkflow(wf), []);
  return wf;
}

export const slow = component(
  {
    name: 'slow',
    image: 'python:3.12',
    retry: { attempts: 3, backoffMs: 500, factor: 3, maxBackoffMs: 10_000 },
    timeoutMs: 90_500,
  },
  async () => {},
);
export const items = component({ name: 'items', outputs: { sources: ['string'] } }, () => ({ sources: ['a'] }));
export const odd = component({ name: 'odd', retry: { attempts: 2, factor: 1.5 } }, async () => {});

describe('Argo manifests', () => {
  it('the lint that checks them finds broken references (so a clean result means something)', async () => {
    const wf = await workflowOf(
      pipeline({ name: 'lint' }, () => {
        const loaded = load({ source: 's' });
        fit({ data: loaded.outputs.data });
      }),
    );
    const broken = structuredClone(wf);
    const dag = template(broken, 'pipeline-lint').dag!;
    delete dag.tasks[1]!.dependencies;
    dag.tasks[0]!.arguments!.parameters![0]!.name = 'origin';
    template(broken, 'fit').container!.command.push('{{inputs.parameters.epochs}}');
    assert.deepEqual(lintWorkflow(broken), [
      "template 'pipeline-lint' task 'load': passes parameters [origin] to 'load', which declares [source]",
      "template 'pipeline-lint' task 'fit': reads task 'load' without depending on it",
      "template 'fit': uses undeclared input parameters.epochs",
    ]);
    assert.match(lintWorkflow({ ...wf, spec: { ...wf.spec, entrypoint: 7 as never } })[0]!, /^schema: /);
  });

  it('maps retries to a retry strategy with exponential backoff and timeouts to a per-attempt deadline', async () => {
    const wf = await workflowOf(pipeline({ name: 'policies' }, () => void slow()));
    const t = template(wf, 'slow');
    assert.deepEqual(t.retryStrategy, {
      limit: 2,
      retryPolicy: 'Always',
      backoff: { duration: '500ms', factor: 3, cap: '10000ms' },
    });
    assert.equal(t.activeDeadlineSeconds, 91);
    assert.equal(t.container!.image, 'python:3.12');
    await assert.rejects(
      compile(pipeline({ name: 'odd' }, () => void odd())).then((s) => toArgoWorkflow(s, IMAGE)),
      /component 'odd': Argo takes a whole-number retry backoff factor, not 1.5/,
    );
  });

  it('runs function steps through `osprey step` in their image, and needs an image for each', async () => {
    const spec = await compile(pipeline({ name: 'fn' }, () => void fit({ data: load({ source: 's' }).outputs.data })));
    const command = template(toArgoWorkflow(spec, IMAGE), 'fit').container!;
    assert.equal(command.image, IMAGE.image);
    assert.equal(command.workingDir, '/app');
    assert.deepEqual(command.command.slice(0, 6), [
      'osprey',
      'step',
      '--module',
      '../test-support/steps.ts',
      '--export',
      'fit',
    ]);
    assert.ok(
      command.command.includes('data=/osprey/inputs/data') &&
        command.command.includes('rate={{inputs.parameters.rate}}'),
    );
    assert.throws(() => toArgoWorkflow(spec), /component 'load' declares no image/);
  });

  it('fills command placeholders with Argo parameters and fixed input and output paths', async () => {
    const head = commandComponent({
      name: 'head',
      image: 'alpine:3.20',
      inputs: { data: Dataset, n: 'number' },
      outputs: { first: Dataset, count: 'number' },
      command: ({ inputs, outputs }) => ['sh', '-c', `head -n ${inputs.n} ${inputs.data.path} > ${outputs.first.path}`],
      env: ({ inputs }) => ({ LINES: inputs.n }),
    });
    const wf = await workflowOf(
      pipeline({ name: 'cmd' }, () => void head({ data: load({ source: 's' }).outputs.data, n: 5 })),
    );
    const t = template(wf, 'head');
    assert.deepEqual(t.container!.command, [
      'sh',
      '-c',
      'head -n {{inputs.parameters.n}} /osprey/inputs/data > /osprey/outputs/first',
    ]);
    assert.deepEqual(t.container!.env, [{ name: 'LINES', value: '{{inputs.parameters.n}}' }]);
    assert.deepEqual(t.outputs, {
      parameters: [{ name: 'count', valueFrom: { path: '/osprey/outputs/count' } }],
      artifacts: [{ name: 'first', path: '/osprey/outputs/first' }],
    });
  });

  it('passes outer values down through loops and branches, items from a task output via withParam', async () => {
    const wf = await workflowOf(
      pipeline({ name: 'deep', params: { min: 'number' } }, ({ min }) => {
        const loaded = load({ source: 'x' });
        const looped = forEach(
          items().outputs.sources,
          (source) => {
            const inner = load({ source }, { name: 'load-each' });
            when(inner.outputs.rows.gt(min), () => fit({ data: loaded.outputs.data, rate: inner.outputs.rows }));
            return { rows: inner.outputs.rows };
          },
          { parallelism: 4 },
        );
        summarize({ values: collect(looped.outputs.rows) });
      }),
    );
    const wrapper = template(wf, 'deep-loop-1');
    assert.equal(wrapper.parallelism, 4);
    assert.equal(wrapper.dag!.tasks[0]!.withParam, '{{inputs.parameters.items-sources}}');
    assert.deepEqual(template(wf, 'deep-loop-1-body').inputs, {
      parameters: [{ name: 'item' }, { name: 'param-min' }],
      artifacts: [{ name: 'load-data' }],
    });
  });

  it('runs a sub-pipeline exit handler as the calling task’s exit hook, and the root one as the workflow’s', async () => {
    const inner = pipeline({ name: 'inner', params: { text: 'string' } }, ({ text }) => {
      echo({ text });
      onExit((run) => echo({ text: run.status }, { name: 'inner-bye' }));
    });
    const wf = await workflowOf(
      pipeline({ name: 'outer' }, () => {
        inner({ text: 'hi' });
        onExit(() => echo({ text: 'bye' }));
      }),
    );
    const call = template(wf, 'pipeline-outer').dag!.tasks[0]!;
    assert.deepEqual(call.hooks, {
      exit: {
        template: 'inner-exit',
        arguments: { parameters: [{ name: 'run-status', value: "{{=sprig.lower(tasks['inner'].status)}}" }] },
      },
    });
    assert.equal(wf.spec.hooks?.exit.template, 'outer-exit');
  });

  it('refuses what Argo cannot carry: collected artifacts and lists of artifacts', async () => {
    const models = await compile(
      pipeline({ name: 'fan-in' }, () => {
        const loop = forEach([0.1, 0.2], (rate) => ({
          model: fit({ data: load({ source: 's' }).outputs.data, rate }).outputs.model,
        }));
        archive({ files: collect(loop.outputs.model) });
      }),
    );
    assert.throws(
      () => toArgoWorkflow(models, IMAGE),
      /loop 'loop-1': the Argo target cannot pass collected list<Model> output 'model'/,
    );
  });

  it('writes plain YAML (no anchors) with artifact parameter defaults as locations', async () => {
    const p = pipeline(
      {
        name: 'locations',
        params: {
          a: { type: Dataset, default: 's3://bucket/path/a.csv' },
          b: { type: Model, default: 'https://example.org/b.onnx' },
          c: { type: Dataset, default: 'datasets/c' },
        },
      },
      ({ a, b, c }) => {
        score({ model: b });
        fit({ data: a }, { name: 'fit-a' });
        fit({ data: c }, { name: 'fit-c' });
      },
    );
    const text = compileArgo(await compile(p), IMAGE);
    assert.ok(!/[&*][a-z0-9]+\s/.test(text), 'no YAML anchors or aliases');
    assert.deepEqual((parse(text) as ArgoWorkflow).spec.arguments!.artifacts, [
      { name: 'a', s3: { bucket: 'bucket', key: 'path/a.csv' } },
      { name: 'b', http: { url: 'https://example.org/b.onnx' } },
      { name: 'c', s3: { key: 'datasets/c' } },
    ]);
  });
});
