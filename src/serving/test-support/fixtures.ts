// The fixture models of scripts/models/make_fixture_models.py and the outputs PyTorch computed for them.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Datatype } from '../tensor.js';

export const FIXTURE_MODELS = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

export type FixtureModel =
  | 'tabular_classifier'
  | 'token_scorer'
  | 'all_types_identity'
  | 'shape_edge_cases'
  | 'bfloat16_input'
  | 'sequence_output';

export const fixtureModelPath = (name: FixtureModel) => `${FIXTURE_MODELS}${name}.onnx`;

export interface ExpectedTensor {
  datatype: Datatype;
  shape: number[];
  data: (number | boolean)[];
}

export interface ExpectedCase {
  inputs: Record<string, ExpectedTensor>;
  outputs: Record<string, ExpectedTensor>;
}

export interface Expected {
  producer: { torch: string; onnx: string };
  tabular_classifier: ExpectedCase;
  token_scorer: ExpectedCase;
  float16: { values: number[]; bits: number[]; back: (number | 'inf' | '-inf')[] };
}

export const expected: Expected = JSON.parse(readFileSync(`${FIXTURE_MODELS}expected.json`, 'utf8'));
