/**
 * The ONNX model shared by our classifiers: a trainer supplies the nodes that turn `features` into class scores
 * (FP32 [batch, n_classes]); this adds the standard head and wraps it all in a model.
 *
 *   features FP32 [batch, n_features] ─► (trainer's nodes) ─► scores FP32 [batch, n_classes]
 *   scores ─► Softmax(axis=1)                       ─► probabilities FP32 [batch, n_classes]
 *   scores ─► ArgMax(axis=1, keepdims=0)            ─► class_index INT64 [batch]   (first maximum on a tie)
 *   class_index ─► ai.onnx.ml.LabelEncoder(0..K-1 → class names) ─► label STRING [batch]
 */
import { encodeModel } from './onnx-encoder.js';
import { attr, IR_VERSION, type Node, ONNX_ML_DOMAIN, ONNX_ML_OPSET, ONNX_OPSET, type Tensor } from './onnx-model.js';

export const FEATURES_INPUT = 'features';
export const LABEL_OUTPUT = 'label';
export const PROBABILITIES_OUTPUT = 'probabilities';
const BATCH = 'batch';

export interface ClassifierGraph {
  /** Names the graph (e.g. 'logistic_regression'). */
  name: string;
  featureNames: readonly string[];
  classes: readonly string[];
  /** Nodes from the `features` input to the `scores` tensor. */
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  /** The name of the FP32 [batch, n_classes] tensor the head reads. */
  scores: string;
  docString: string;
  /** Extra `metadata_props`; feature and class names are always recorded. */
  metadata?: Readonly<Record<string, string>>;
}

export function encodeClassifierModel(graph: ClassifierGraph): Uint8Array {
  const classCount = graph.classes.length;
  const head: Node[] = [
    {
      opType: 'Softmax',
      name: 'softmax',
      inputs: [graph.scores],
      outputs: [PROBABILITIES_OUTPUT],
      attributes: [attr.int('axis', 1)],
    },
    {
      opType: 'ArgMax',
      name: 'argmax',
      inputs: [graph.scores],
      outputs: ['class_index'],
      attributes: [attr.int('axis', 1), attr.int('keepdims', 0)],
    },
    {
      opType: 'LabelEncoder',
      domain: ONNX_ML_DOMAIN,
      name: 'class_names',
      inputs: ['class_index'],
      outputs: [LABEL_OUTPUT],
      attributes: [
        attr.ints(
          'keys_int64s',
          graph.classes.map((_, k) => k),
        ),
        attr.strings('values_strings', graph.classes),
        attr.string('default_string', ''),
      ],
    },
  ];
  return encodeModel({
    irVersion: IR_VERSION,
    opsetImports: [
      { domain: '', version: ONNX_OPSET },
      { domain: ONNX_ML_DOMAIN, version: ONNX_ML_OPSET },
    ],
    producerName: 'osprey',
    producerVersion: '0.1.0',
    docString: graph.docString,
    metadata: {
      feature_names: JSON.stringify(graph.featureNames),
      classes: JSON.stringify(graph.classes),
      ...graph.metadata,
    },
    graph: {
      name: graph.name,
      nodes: [...graph.nodes, ...head],
      initializers: graph.initializers,
      inputs: [
        {
          name: FEATURES_INPUT,
          elementType: 'float',
          shape: [BATCH, graph.featureNames.length],
          docString: `features in this order: ${graph.featureNames.join(', ')}`,
        },
      ],
      outputs: [
        { name: LABEL_OUTPUT, elementType: 'string', shape: [BATCH], docString: 'the predicted class name' },
        {
          name: PROBABILITIES_OUTPUT,
          elementType: 'float',
          shape: [BATCH, classCount],
          docString: `class probabilities in this order: ${graph.classes.join(', ')}`,
        },
      ],
    },
  });
}
