import { componentDigest } from '../digest.js';
import type { ComponentSpec, PipelineSpec, RetryPolicy } from '../types.js';

const RETRY: RetryPolicy = { attempts: 1, backoffMs: 1000, factor: 2, maxBackoffMs: 300_000 };
const DIGEST = 'a'.repeat(64);

function withDigest(component: Omit<ComponentSpec, 'digest'>): ComponentSpec {
  return { ...component, digest: componentDigest(component) };
}

/**
 * A valid spec written by hand (not compiled), using every construct: a loop over a list parameter with a
 * collected metric, a component task, a condition calling a sub-pipeline, a command component, an exit handler.
 */
export function sampleSpec(): PipelineSpec {
  const task = { kind: 'component' as const, retry: RETRY, timeoutMs: null, cache: false };
  return {
    apiVersion: 'osprey.pipeline/v1',
    name: 'sample',
    params: {
      data: { type: 'Dataset' },
      threshold: { type: 'number', default: 0.5 },
      rates: { type: { list: 'number' }, default: [0.1, 0.2] },
    },
    outputs: { model: { type: 'Model', from: { from: 'task', task: 'final', output: 'model' } } },
    tasks: [
      {
        kind: 'loop',
        name: 'sweep',
        dependsOn: [],
        items: { from: 'param', name: 'rates' },
        itemType: 'number',
        parallelism: 2,
        tasks: [
          {
            ...task,
            name: 'trial',
            dependsOn: [],
            component: 'train',
            inputs: { data: { from: 'param', name: 'data' }, lr: { from: 'item', loop: 'sweep' } },
          },
        ],
        outputs: {
          accuracy: {
            type: { list: 'number' },
            from: { from: 'task', task: 'trial', output: 'metrics', path: ['accuracy'], type: 'number' },
          },
        },
      },
      {
        ...task,
        name: 'pick',
        dependsOn: ['sweep'],
        component: 'pick',
        inputs: { scores: { from: 'task', task: 'sweep', output: 'accuracy' } },
      },
      {
        ...task,
        name: 'final',
        dependsOn: ['pick'],
        component: 'train',
        inputs: { data: { from: 'param', name: 'data' }, lr: { from: 'task', task: 'pick', output: 'best' } },
      },
      {
        kind: 'condition',
        name: 'gate',
        dependsOn: ['final'],
        if: {
          op: 'gt',
          left: { from: 'task', task: 'final', output: 'metrics', path: ['accuracy'], type: 'number' },
          right: { from: 'param', name: 'threshold' },
        },
        whenTrue: [
          {
            kind: 'pipeline',
            name: 'publish',
            dependsOn: [],
            pipeline: 'announce',
            inputs: { model: { from: 'task', task: 'final', output: 'model' } },
          },
        ],
        whenFalse: [],
        outputs: {},
      },
    ],
    exitHandler: [
      {
        ...task,
        name: 'bye',
        dependsOn: [],
        component: 'notify',
        inputs: { status: { from: 'run', field: 'status' } },
      },
    ],
    components: {
      train: withDigest({
        name: 'train',
        inputs: { data: { type: 'Dataset' }, lr: { type: 'number' } },
        outputs: { model: { type: 'Model' }, metrics: { type: 'Metrics' } },
        implementation: { kind: 'function', module: 'steps.ts', export: 'train', sourceDigest: DIGEST },
      }),
      pick: withDigest({
        name: 'pick',
        inputs: { scores: { type: { list: 'number' } } },
        outputs: { best: { type: 'number' } },
        implementation: { kind: 'function', module: 'steps.ts', export: 'pick', sourceDigest: DIGEST },
      }),
      notify: withDigest({
        name: 'notify',
        inputs: { status: { type: 'string' } },
        outputs: {},
        implementation: {
          kind: 'command',
          image: 'alpine:3.20',
          command: ['sh', '-c', { concat: ['echo ', { inputValue: 'status' }] }],
          env: {},
        },
      }),
    },
    pipelines: {
      announce: {
        name: 'announce',
        params: { model: { type: 'Model' } },
        outputs: {},
        tasks: [
          {
            ...task,
            name: 'say',
            dependsOn: [],
            component: 'notify',
            inputs: { status: { from: 'constant', value: 'published' } },
          },
        ],
        exitHandler: [],
      },
    },
  };
}
