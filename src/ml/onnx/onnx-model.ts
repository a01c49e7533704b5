/**
 * A plain-object description of the part of ONNX our trainers export: a model with one graph of nodes,
 * initializers (constant tensors) and typed inputs/outputs. onnx-encoder.ts turns it into ONNX protobuf bytes.
 */

/** The element types we write, with their ONNX `TensorProto.DataType` numbers. */
export const ELEMENT_TYPES = { float: 1, int64: 7, string: 8 } as const;
export type ElementType = keyof typeof ELEMENT_TYPES;

/** The ONNX IR version and operator sets we target: ONNX 1.12 (IR 8, opset 17, ai.onnx.ml 3), all served by ORT 1.30. */
export const IR_VERSION = 8;
export const ONNX_OPSET = 17;
export const ONNX_ML_OPSET = 3;
export const ONNX_ML_DOMAIN = 'ai.onnx.ml';

export type Tensor =
  | { name?: string; dataType: 'float'; dims: readonly number[]; data: ArrayLike<number>; raw?: boolean }
  | { name?: string; dataType: 'int64'; dims: readonly number[]; data: ArrayLike<number | bigint> }
  | { name?: string; dataType: 'string'; dims: readonly number[]; data: readonly string[] };

export type Attribute =
  | { name: string; type: 'float'; value: number }
  | { name: string; type: 'int'; value: number | bigint }
  | { name: string; type: 'string'; value: string }
  | { name: string; type: 'tensor'; value: Tensor }
  | { name: string; type: 'floats'; value: ArrayLike<number> }
  | { name: string; type: 'ints'; value: ArrayLike<number | bigint> }
  | { name: string; type: 'strings'; value: readonly string[] };

export interface Node {
  opType: string;
  /** '' (or absent) for the default ai.onnx domain; 'ai.onnx.ml' for the traditional-ML operators. */
  domain?: string;
  name?: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes?: readonly Attribute[];
}

/** A graph input or output: a tensor type with a shape; a string dimension is symbolic (e.g. 'batch'). */
export interface ValueInfo {
  name: string;
  elementType: ElementType;
  shape: readonly (number | string)[];
  docString?: string;
}

export interface Graph {
  name: string;
  nodes: readonly Node[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  initializers?: readonly Tensor[];
  docString?: string;
}

export interface Model {
  irVersion: number;
  opsetImports: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion?: string;
  docString?: string;
  graph: Graph;
  /** Free-form key/value pairs (`ModelProto.metadata_props`), e.g. feature and class names. */
  metadata?: Readonly<Record<string, string>>;
}

/** Attribute constructors, so node definitions read like onnx.helper.make_node's keyword arguments. */
export const attr = {
  float: (name: string, value: number): Attribute => ({ name, type: 'float', value }),
  int: (name: string, value: number | bigint): Attribute => ({ name, type: 'int', value }),
  string: (name: string, value: string): Attribute => ({ name, type: 'string', value }),
  tensor: (name: string, value: Tensor): Attribute => ({ name, type: 'tensor', value }),
  floats: (name: string, value: ArrayLike<number>): Attribute => ({ name, type: 'floats', value }),
  ints: (name: string, value: ArrayLike<number | bigint>): Attribute => ({ name, type: 'ints', value }),
  strings: (name: string, value: readonly string[]): Attribute => ({ name, type: 'strings', value }),
};
