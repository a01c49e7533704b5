import { z } from 'zod';
import { invalidArgument } from '../../core/errors.js';
import {
  ARTIFACT_TYPES,
  PARAMETER_TYPES,
  PIPELINE_SPEC_VERSION,
  type PipelineSpec,
  SPEC_NAME_PATTERN,
} from './types.js';
import { verifySpec } from './verify.js';

// The shape of osprey.pipeline/v1, checked strictly: unknown fields are errors, not silently ignored.
const name = z.string().regex(SPEC_NAME_PATTERN, 'must start with a letter, then up to 62 letters, digits, _ or -');
const digest = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case hex SHA-256');

const json: z.ZodType = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(json), z.record(z.string(), json)]),
);
const valueType: z.ZodType = z.lazy(() =>
  z.union([z.enum([...PARAMETER_TYPES, ...ARTIFACT_TYPES]), z.strictObject({ list: valueType })], {
    error: `must be a type: ${[...PARAMETER_TYPES, ...ARTIFACT_TYPES].join(', ')} or {"list": <type>}`,
  }),
);
const path = z.array(z.union([z.string(), z.number().int().nonnegative()])).min(1);
const typedPath = { path: path.optional(), type: valueType.optional() };

const binding = z.discriminatedUnion('from', [
  z.strictObject({ from: z.literal('constant'), value: json }),
  z.strictObject({ from: z.literal('param'), name, ...typedPath }),
  z.strictObject({ from: z.literal('task'), task: name, output: name, ...typedPath }),
  z.strictObject({ from: z.literal('item'), loop: name, ...typedPath }),
  z.strictObject({ from: z.literal('run'), field: z.enum(['status', 'failedTasks']) }),
]);

const predicate: z.ZodType = z.lazy(() =>
  z.discriminatedUnion('op', [
    z.strictObject({ op: z.enum(['eq', 'ne', 'gt', 'gte', 'lt', 'lte']), left: binding, right: binding }),
    z.strictObject({ op: z.literal('and'), all: z.array(predicate).min(1) }),
    z.strictObject({ op: z.literal('or'), any: z.array(predicate).min(1) }),
    z.strictObject({ op: z.literal('not'), predicate }),
  ]),
);

const retry = z.strictObject({
  attempts: z.number().int().min(1),
  backoffMs: z.number().int().min(0),
  factor: z.number().min(1),
  maxBackoffMs: z.number().int().min(0),
});

const task: z.ZodType = z.lazy(() => {
  const base = { name, dependsOn: z.array(name) };
  const tasks = z.array(task);
  return z.discriminatedUnion('kind', [
    z.strictObject({
      ...base,
      kind: z.literal('component'),
      component: name,
      inputs: z.record(name, binding),
      retry,
      timeoutMs: z.number().int().positive().nullable(),
      cache: z.boolean(),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('condition'),
      if: predicate,
      whenTrue: tasks,
      whenFalse: tasks,
      outputs: z.record(name, z.strictObject({ type: valueType, whenTrue: binding, whenFalse: binding })),
    }),
    z.strictObject({
      ...base,
      kind: z.literal('loop'),
      items: binding,
      itemType: valueType,
      parallelism: z.number().int().positive().nullable(),
      tasks,
      outputs: z.record(name, z.strictObject({ type: valueType, from: binding })),
    }),
    z.strictObject({ ...base, kind: z.literal('pipeline'), pipeline: name, inputs: z.record(name, binding) }),
  ]);
});

const placeholder = z.union(
  [z.strictObject({ inputValue: name }), z.strictObject({ inputPath: name }), z.strictObject({ outputPath: name })],
  { error: 'must be a placeholder: {"inputValue"|"inputPath"|"outputPath": <name>}' },
);
const commandArg = z.union([
  z.string(),
  placeholder,
  z.strictObject({ concat: z.array(z.union([z.string(), placeholder])) }),
]);

const description = z.string().optional();
const component = z.strictObject({
  name,
  description,
  digest,
  inputs: z.record(name, z.strictObject({ type: valueType, default: json.optional(), description })),
  outputs: z.record(name, z.strictObject({ type: valueType, description })),
  implementation: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('function'),
      module: z.string().min(1),
      export: z.string().min(1),
      sourceDigest: digest,
      image: z.string().min(1).optional(),
    }),
    z.strictObject({
      kind: z.literal('command'),
      image: z.string().min(1),
      command: z.array(commandArg).min(1),
      env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/), commandArg),
    }),
  ]),
});

const definition = {
  name,
  description,
  params: z.record(name, z.strictObject({ type: valueType, default: json.optional(), description })),
  outputs: z.record(name, z.strictObject({ type: valueType, from: binding })),
  tasks: z.array(task),
  exitHandler: z.array(task),
};

const specSchema = z.strictObject({
  apiVersion: z.literal(PIPELINE_SPEC_VERSION),
  ...definition,
  components: z.record(name, component),
  pipelines: z.record(name, z.strictObject(definition)),
});

/**
 * Reads a spec (a JSON string or an already parsed value): checks its shape, then its meaning (verifySpec).
 * Throws INVALID_ARGUMENT naming every problem found, with its location in the document.
 */
export function parseSpec(input: unknown): PipelineSpec {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw invalidArgument(`pipeline spec is not valid JSON: ${(error as Error).message}`);
    }
  }
  const version = (value as { apiVersion?: unknown } | null)?.apiVersion;
  if (version !== PIPELINE_SPEC_VERSION) {
    throw invalidArgument(
      `unsupported pipeline spec version ${JSON.stringify(version)}: this Osprey reads ${PIPELINE_SPEC_VERSION}`,
    );
  }
  const result = specSchema.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw invalidArgument(`invalid pipeline spec:\n  ${problems.slice(0, 20).join('\n  ')}`, { problems });
  }
  const spec = result.data as PipelineSpec;
  verifySpec(spec);
  return spec;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (text, key) => (typeof key === 'number' ? `${text}[${key}]` : text ? `${text}.${String(key)}` : String(key)),
    '',
  );
}
