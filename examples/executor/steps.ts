// Small steps for the executor's tests. Each appends a marker file to the directory `markers` every time it
// executes, so a test can count executions across crashes, retries and cache hits.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Artifact, commandComponent, component, Model } from '../../src/pipelines/dsl/index.js';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function mark(markers: string, label: string): Promise<number> {
  const before = (await readdir(markers)).filter((f) => f.startsWith(`${label}.`)).length;
  await writeFile(join(markers, `${label}.${before + 1}.${process.pid}`), '');
  return before + 1;
}

/** Writes `label` plus its input's text to an artifact, after `sleepMs`. */
export const work = component(
  {
    name: 'work',
    inputs: { markers: 'string', label: 'string', sleepMs: { type: 'number', default: 0 }, previous: 'string' },
    outputs: { out: Artifact, text: 'string' },
    cache: true,
  },
  async ({ markers, label, sleepMs, previous }, ctx) => {
    await mark(markers, label);
    await pause(sleepMs);
    const text = `${previous}>${label}`;
    await writeFile(ctx.outputs.out.path, text);
    return { text };
  },
);

/** Reads an artifact and appends to its text. */
export const extend = component(
  { name: 'extend', inputs: { markers: 'string', label: 'string', source: Artifact }, outputs: { text: 'string' } },
  async ({ markers, label, source }) => {
    await mark(markers, label);
    return { text: `${await readFile(source.path, 'utf8')}+${label}` };
  },
);

/** Fails its first `failures` executions, then succeeds. */
export const flaky = component(
  {
    name: 'flaky',
    inputs: { markers: 'string', failures: 'number' },
    outputs: { executions: 'number' },
    retry: { attempts: 4, backoffMs: 20, factor: 2 },
  },
  async ({ markers, failures }) => {
    const executions = await mark(markers, 'flaky');
    if (executions <= failures) throw new Error(`failing on purpose (execution ${executions})`);
    return { executions };
  },
);

/** Sleeps far longer than its timeout allows. */
export const stuck = component(
  { name: 'stuck', inputs: { markers: 'string' }, retry: { attempts: 2, backoffMs: 10 }, timeoutMs: 500 },
  async ({ markers }) => {
    await mark(markers, 'stuck');
    await pause(60_000);
  },
);

/** A number drawn from the task's seed (the same when the run is reproduced) or from Math.random (never). */
export const draw = component(
  { name: 'draw', inputs: { seeded: 'boolean' }, outputs: { sample: Artifact, value: 'number' } },
  async ({ seeded }, ctx) => {
    let state = ctx.task.seed;
    // mulberry32: a small seeded generator.
    const next = () => {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), 1 | state);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const value = seeded ? next() : Math.random();
    await writeFile(ctx.outputs.sample.path, String(value));
    await ctx.logMetric('value', value);
    return { value };
  },
);

/** Writes a greeting; declares the image it runs in under the container runner. */
export const greet = component(
  {
    name: 'greet',
    image: 'node:20-slim',
    inputs: { name: 'string' },
    outputs: { greeting: Artifact, length: 'number' },
  },
  async ({ name }, ctx) => {
    const text = `hello ${name}`;
    await writeFile(ctx.outputs.greeting.path, text);
    return { length: text.length };
  },
);

/** Counts the bytes of a file with the shell of its image. */
export const countBytes = commandComponent({
  name: 'count-bytes',
  image: 'busybox:1.36',
  inputs: { text: Artifact },
  outputs: { bytes: 'number' },
  command: ({ inputs, outputs }) => [
    'sh',
    '-c',
    'wc -c < "$0" | tr -d " " > "$1"',
    inputs.text.path,
    outputs.bytes.path,
  ],
});

/** The size of a model it is given (a registered version passed as `models:/NAME@ALIAS`). */
export const measure = component(
  { name: 'measure', inputs: { model: Model }, outputs: { bytes: 'number' } },
  async ({ model }) => ({ bytes: (await readFile(model.path)).length }),
);
