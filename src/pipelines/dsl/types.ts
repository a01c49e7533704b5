import { invalidArgument } from '../../core/errors.js';
import type { ArtifactType, JsonValue, ParameterType, ValueType } from '../spec/types.js';
import { ARTIFACT_TYPES, PARAMETER_TYPES } from '../spec/types.js';
import type { InputArtifact } from './context.js';

/** An artifact type as written in the DSL: `inputs: { raw: Dataset }`. */
export interface ArtifactClass<K extends ArtifactType = ArtifactType> {
  readonly artifact: K;
}
const artifactClass = <K extends ArtifactType>(artifact: K): ArtifactClass<K> => Object.freeze({ artifact });
/** A data set version (a file or directory): what `prepare` reads and writes. */
export const Dataset = artifactClass('Dataset');
/** A trained model (for example an ONNX file). */
export const Model = artifactClass('Model');
/** Metrics: a JSON object of numbers (`{ "accuracy": 0.93 }`); `.get('accuracy')` reads one in the graph. */
export const Metrics = artifactClass('Metrics');
/** Any other file or directory. As an input type, it accepts every artifact type. */
export const Artifact = artifactClass('Artifact');

/** A value type in the DSL: a parameter type name, an artifact class, or a one-element tuple for a list. */
export type TypeSpec = ParameterType | ArtifactClass | readonly [TypeSpec];
/** The types a component may output: no lists of artifacts (those only come from `collect`). */
export type OutputTypeSpec = ParameterType | ArtifactClass | ParameterListSpec;
export type ParameterListSpec = readonly [ParameterType | ParameterListSpec];

/** An input or pipeline parameter with a default and a description. */
export interface Declared<T extends TypeSpec = TypeSpec> {
  readonly type: T;
  readonly default?: unknown;
  readonly description?: string;
}
export type InputDecl = TypeSpec | Declared;
export type OutputDecl = OutputTypeSpec | { readonly type: OutputTypeSpec; readonly description?: string };
export type InputDecls = { readonly [name: string]: InputDecl };
/** No declarations: the default when a component has no inputs or outputs. */
export type NoDecls = Record<never, never>;
export type OutputDecls = { readonly [name: string]: OutputDecl };

/** The type part of a declaration. */
export type TypeOf<D> = D extends { readonly type: infer T } ? T : D;
export type HasDefault<D> = D extends { readonly default: unknown } ? true : false;

/** The value a component function receives for a type. */
export type ValueOf<T> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'json'
        ? JsonValue
        : T extends ArtifactClass<infer K>
          ? InputArtifact<K>
          : T extends readonly [infer E]
            ? ValueOf<E>[]
            : never;

/** A constant that may be wired where a type is expected (artifacts have none). */
export type ConstantOf<T> = T extends 'string'
  ? string
  : T extends 'number'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'json'
        ? JsonValue | readonly JsonValue[]
        : T extends readonly [infer E]
          ? readonly ConstantOf<E>[]
          : never;

/** A JSON-serialisable parameter type, lists included: what `json` accepts. */
export type ParameterSpec = ParameterType | readonly [ParameterSpec];

/** The reference types a slot of type T accepts: `json` takes any parameter, `Artifact` any artifact. */
export type Accepted<T> = [T] extends ['json']
  ? ParameterSpec
  : [T] extends [ArtifactClass<'Artifact'>]
    ? ArtifactClass
    : [T] extends [readonly [infer E]]
      ? readonly [Accepted<E>]
      : T;

/** Turns a DSL type into the spec's type. Throws INVALID_ARGUMENT (naming `where`) for anything else. */
export function toValueType(spec: unknown, where: string): ValueType {
  if (typeof spec === 'string' && (PARAMETER_TYPES as readonly string[]).includes(spec)) return spec as ParameterType;
  if (spec !== null && typeof spec === 'object' && 'artifact' in spec) {
    const artifact = (spec as ArtifactClass).artifact;
    if ((ARTIFACT_TYPES as readonly string[]).includes(artifact)) return artifact;
  }
  if (Array.isArray(spec) && spec.length === 1) return { list: toValueType(spec[0], where) };
  throw invalidArgument(
    `${where}: ${JSON.stringify(spec)} is not a type; use 'string', 'number', 'boolean', 'json', ` +
      `Dataset, Model, Metrics, Artifact, or [type] for a list`,
  );
}

/** Splits a declaration into its type and options. */
export function declaration(decl: unknown): { type: unknown; default?: unknown; description?: string } {
  if (decl !== null && typeof decl === 'object' && !Array.isArray(decl) && 'type' in decl) {
    return decl as { type: unknown; default?: unknown; description?: string };
  }
  return { type: decl };
}
