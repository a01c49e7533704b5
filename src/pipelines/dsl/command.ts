import { invalidArgument } from '../../core/errors.js';
import type { CommandArg, Placeholder as PlaceholderSpec, ValueType } from '../spec/types.js';
import { holdsArtifacts } from '../spec/value-types.js';
import { type Component, type ComponentOptions, checkImage, componentBase, makeComponent } from './component.js';
import type { ArtifactClass, InputDecls, NoDecls, OutputDecls, TypeOf } from './types.js';

declare const placeholderBrand: unique symbol;
/** A value filled in when the step runs; usable alone or inside a template string: `--lr=${inputs.lr}`. */
export interface Placeholder {
  readonly [placeholderBrand]: true;
}
export interface PathPlaceholder {
  /** The local path of the artifact (or of the file to write a parameter output to). */
  readonly path: Placeholder;
}
export type CommandPart = string | Placeholder;

/** Typed access to placeholders: parameter inputs are values, artifact inputs and all outputs have paths. */
export interface CommandIO<I extends InputDecls, O extends OutputDecls> {
  readonly inputs: {
    readonly [K in keyof I]: TypeOf<I[K]> extends ArtifactClass | readonly [ArtifactClass]
      ? PathPlaceholder
      : Placeholder;
  };
  readonly outputs: { readonly [K in keyof O]: PathPlaceholder };
}

export interface CommandComponentOptions<I extends InputDecls, O extends OutputDecls> extends ComponentOptions<I, O> {
  image: string;
  /** The argv; parameter outputs are written as text to their `outputs.<name>.path`. */
  command: readonly string[] | ((io: CommandIO<I, O>) => readonly CommandPart[]);
  env?: Readonly<Record<string, string>> | ((io: CommandIO<I, O>) => Readonly<Record<string, CommandPart>>);
}

/**
 * A step in any language: `image` runs `command`, whose placeholders the executor fills with input values and
 * the paths of input and output files.
 */
export function commandComponent<const I extends InputDecls = NoDecls, const O extends OutputDecls = NoDecls>(
  options: CommandComponentOptions<I, O>,
): Component<I, O> {
  const base = componentBase(options);
  const where = `component '${base.name}'`;
  const image = checkImage(options.image, base.name);
  const io = commandIO(base.inputs, base.outputs, where) as unknown as CommandIO<I, O>;
  const command = typeof options.command === 'function' ? options.command(io) : options.command;
  if (!Array.isArray(command) || command.length === 0)
    throw invalidArgument(`${where}: command must be a non-empty list`);
  const env = typeof options.env === 'function' ? options.env(io) : (options.env ?? {});
  return makeComponent<I, O>({
    kind: 'command',
    ...base,
    image,
    command: command.map((part, i) => commandArg(part, `${where} command[${i}]`)),
    env: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, commandArg(v, `${where} env ${k}`)])),
  });
}

// Placeholders travel through template strings as tokens between two private-use characters.
const START = '\uE000';
const END = '\uE001';
const TOKEN = /\uE000([^\uE001]*)\uE001/g;

class PlaceholderImpl {
  constructor(readonly spec: PlaceholderSpec) {}
  toString(): string {
    return `${START}${JSON.stringify(this.spec)}${END}`;
  }
}

class PathHolder {
  constructor(
    readonly path: PlaceholderImpl,
    private readonly label: string,
  ) {}
  toString(): string {
    throw invalidArgument(`${this.label} is a file: use ${this.label}.path in the command`);
  }
}

function commandIO(inputs: Record<string, { type: ValueType }>, outputs: Record<string, unknown>, where: string) {
  const entries = Object.entries(inputs).map(([name, { type }]) => [
    name,
    holdsArtifacts(type)
      ? new PathHolder(new PlaceholderImpl({ inputPath: name }), `inputs.${name}`)
      : new PlaceholderImpl({ inputValue: name }),
  ]);
  const outputEntries = Object.keys(outputs).map((name) => [
    name,
    new PathHolder(new PlaceholderImpl({ outputPath: name }), `outputs.${name}`),
  ]);
  return {
    inputs: strictRecord(Object.fromEntries(entries), `${where}: the command uses unknown input`),
    outputs: strictRecord(Object.fromEntries(outputEntries), `${where}: the command uses unknown output`),
  };
}

function strictRecord<T extends object>(record: T, message: string): T {
  return new Proxy(record, {
    get(target, key, receiver) {
      if (typeof key === 'string' && !(key in target)) {
        throw invalidArgument(`${message} '${key}' (declared: ${Object.keys(target).join(', ') || 'none'})`);
      }
      return Reflect.get(target, key, receiver);
    },
  });
}

/** A part of the command as written → the spec's form: a string, a placeholder, or a concatenation. */
function commandArg(part: unknown, where: string): CommandArg {
  if (part instanceof PlaceholderImpl) return part.spec;
  if (part instanceof PathHolder) throw invalidArgument(`${where}: use .path of a file placeholder`);
  if (typeof part !== 'string')
    throw invalidArgument(`${where}: expects a string or a placeholder, got ${typeof part}`);
  const pieces: (string | PlaceholderSpec)[] = [];
  let last = 0;
  for (const match of part.matchAll(TOKEN)) {
    if (match.index > last) pieces.push(part.slice(last, match.index));
    pieces.push(JSON.parse(match[1]!) as PlaceholderSpec);
    last = match.index + match[0].length;
  }
  if (last < part.length) pieces.push(part.slice(last));
  if (pieces.length === 1 && typeof pieces[0] !== 'string') return pieces[0]!;
  return pieces.some((p) => typeof p !== 'string') ? { concat: pieces } : part;
}
