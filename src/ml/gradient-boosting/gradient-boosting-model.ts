/**
 * A trained gradient-boosted tree ensemble for multiclass classification: per class, a base score plus the sum of
 * that class's trees; softmax over the class scores.
 *
 * ONNX graph: features ─► ai.onnx.ml.TreeEnsembleRegressor (n_targets = n_classes, aggregate SUM, base_values,
 * post_transform NONE) ─► scores ─► the shared Softmax / ArgMax / LabelEncoder head (onnx/classifier-graph.ts).
 *
 * Why the regressor and not TreeEnsembleClassifier: ONNX Runtime's classifier special-cases two classes (it treats
 * class 1's score as a margin, negates it for class 0 and changes how base values apply), whereas the regressor
 * with one target per class has one meaning for any class count, which our predict() reproduces exactly.
 *
 * ONNX Runtime's float-input tree ensemble compares float32 features with float32 thresholds, sums each target's
 * leaf values in float32 tree by tree (tree ids ascending), then adds the base value; predict() does the same.
 */
import { type Classifier, type Prediction, scoresToPrediction } from '../classifier.js';
import { encodeClassifierModel } from '../onnx/classifier-graph.js';
import { attr, ONNX_ML_DOMAIN } from '../onnx/onnx-model.js';
import { type FeatureInput, toFeatureMatrix } from '../training-data.js';
import { type RegressionTree, treeOutput } from './regression-tree.js';

export interface GradientBoostingParameters {
  featureNames: readonly string[];
  classes: readonly string[];
  /** The initial score of each class (float32 log prior). */
  baseScores: Float32Array;
  /** Round-major: tree t belongs to class t % n_classes, in boosting round ⌊t / n_classes⌋. */
  trees: readonly RegressionTree[];
  /** What training did, recorded in the ONNX metadata. */
  training: Readonly<Record<string, number>>;
}

export class GradientBoostingModel implements Classifier {
  readonly algorithm = 'gradient-boosting';
  readonly featureNames: readonly string[];
  readonly classes: readonly string[];

  constructor(readonly parameters: GradientBoostingParameters) {
    this.featureNames = parameters.featureNames;
    this.classes = parameters.classes;
  }

  /** Class scores before the softmax, float32 as ONNX Runtime computes them: [rows × classes]. */
  scores(features: FeatureInput): { scores: Float32Array; rows: number } {
    const { rows, columns, values } = toFeatureMatrix(features, this.featureNames, 'prediction input');
    const { trees, baseScores } = this.parameters;
    const classCount = this.classes.length;
    const scores = new Float32Array(rows * classCount);
    const sums = new Float32Array(classCount);
    for (let r = 0; r < rows; r++) {
      sums.fill(0);
      for (let t = 0; t < trees.length; t++) sums[t % classCount]! += treeOutput(trees[t]!, values, r * columns); // float32 sum
      for (let k = 0; k < classCount; k++) scores[r * classCount + k] = sums[k]! + baseScores[k]!;
    }
    return { scores, rows };
  }

  predict(features: FeatureInput): Prediction {
    const { scores, rows } = this.scores(features);
    return scoresToPrediction(scores, rows, this.classes);
  }

  toOnnx(): Uint8Array {
    const { trees, baseScores, training } = this.parameters;
    const classCount = this.classes.length;
    const nodes = { treeIds: [] as number[], nodeIds: [] as number[], features: [] as number[], modes: [] as string[] };
    const branches = { values: [] as number[], trueIds: [] as number[], falseIds: [] as number[] };
    const targets = { treeIds: [] as number[], nodeIds: [] as number[], ids: [] as number[], weights: [] as number[] };
    trees.forEach((tree, treeId) => {
      for (let node = 0; node < tree.feature.length; node++) {
        const leaf = tree.feature[node]! < 0;
        nodes.treeIds.push(treeId);
        nodes.nodeIds.push(node);
        nodes.features.push(leaf ? 0 : tree.feature[node]!);
        nodes.modes.push(leaf ? 'LEAF' : 'BRANCH_LEQ');
        branches.values.push(tree.threshold[node]!);
        branches.trueIds.push(leaf ? 0 : tree.left[node]!);
        branches.falseIds.push(leaf ? 0 : tree.right[node]!);
        if (leaf) {
          targets.treeIds.push(treeId);
          targets.nodeIds.push(node);
          targets.ids.push(treeId % classCount);
          targets.weights.push(tree.value[node]!);
        }
      }
    });
    return encodeClassifierModel({
      name: 'gradient_boosted_trees',
      featureNames: this.featureNames,
      classes: this.classes,
      nodes: [
        {
          opType: 'TreeEnsembleRegressor',
          domain: ONNX_ML_DOMAIN,
          name: 'trees',
          inputs: ['features'],
          outputs: ['scores'],
          attributes: [
            attr.int('n_targets', classCount),
            attr.string('aggregate_function', 'SUM'),
            attr.string('post_transform', 'NONE'),
            attr.floats('base_values', baseScores),
            attr.ints('nodes_treeids', nodes.treeIds),
            attr.ints('nodes_nodeids', nodes.nodeIds),
            attr.ints('nodes_featureids', nodes.features),
            attr.strings('nodes_modes', nodes.modes),
            attr.floats('nodes_values', branches.values),
            attr.ints('nodes_truenodeids', branches.trueIds),
            attr.ints('nodes_falsenodeids', branches.falseIds),
            attr.ints('target_treeids', targets.treeIds),
            attr.ints('target_nodeids', targets.nodeIds),
            attr.ints('target_ids', targets.ids),
            attr.floats('target_weights', targets.weights),
          ],
        },
      ],
      initializers: [],
      scores: 'scores',
      docString: 'Gradient-boosted regression trees (softmax objective) trained by Osprey (src/ml).',
      metadata: { algorithm: this.algorithm, training: JSON.stringify(training) },
    });
  }
}
