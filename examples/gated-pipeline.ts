// A gated training pipeline: prepare → split (train / one holdout) → train → evaluate → gate → register only when
// the gate passes, with the gate's decision recorded on the model version (../examples/gate-components.ts).
// With `compareWithChampion`, the champion is evaluated on the same holdout and the built-in `championGate` also
// requires the candidate to be no worse than it; without, the built-in `gate` checks the thresholds (a first model).
// Shows: the built-in gates, branch outputs of when(...).otherwise(...) carrying an artifact, and
// `when(gate.outputs.passed.eq(true), ...)`.
//
// The champion here is a stand-in: a baseline trained in the same run with another learning rate. A real champion
// is the registry's current model, e.g. a `champion: Model` parameter given `models:/seattle-rain@champion`, which
// the executor does not resolve yet (it resolves file paths and dataset versions); the rest stays as it is.
import { championGate, gate } from '../src/pipelines/components/index.js';
import { Dataset, pipeline, when } from '../src/pipelines/dsl/index.js';
import { prepare, train } from './components.js';
import { evaluate, register, split } from './gate-components.js';

/** The seed's `accuracy > 0.85`, a bound on log loss, and no regression against the champion. */
export const DEFAULT_GATE_POLICY = {
  thresholds: { accuracy: { min: 0.85 }, log_loss: { max: 0.5 } },
  noWorseThanChampion: { metrics: ['accuracy', 'log_loss'], tolerance: 0 },
};

export default pipeline(
  {
    name: 'gated-weather',
    description: 'Trains the rain model and registers it only when it passes its deployment gate.',
    params: {
      data: { type: Dataset, default: 'seattle-weather', description: 'The weather dataset version to train on.' },
      policy: { type: 'json', default: DEFAULT_GATE_POLICY, description: 'The gate policy (see GatePolicy).' },
      learningRate: { type: 'number', default: 0.5 },
      epochs: { type: 'number', default: 300 },
      compareWithChampion: {
        type: 'boolean',
        default: true,
        description: 'Compare with the champion on the same holdout; false for a first model.',
      },
      championLearningRate: {
        type: 'number',
        default: 0.05,
        description: 'The champion stand-in: a baseline trained in this run with this learning rate.',
      },
      modelName: { type: 'string', default: 'seattle-rain' },
      alias: { type: 'string', default: 'candidate', description: 'The alias the registered version receives.' },
    },
  },
  ({ data, policy, learningRate, epochs, compareWithChampion, championLearningRate, modelName, alias }) => {
    const prepared = prepare({ raw: data, minRows: 1000 });
    const parts = split({ data: prepared.outputs.clean });
    const holdout = parts.outputs.holdout;
    const trained = train({ data: parts.outputs.train, learningRate, epochs });
    const candidate = evaluate({ model: trained.outputs.model, holdout }, { name: 'evaluate-candidate' });
    const decision = when(
      compareWithChampion,
      () => {
        const champion = train(
          { data: parts.outputs.train, learningRate: championLearningRate, epochs },
          { name: 'train-champion' },
        );
        const judged = evaluate({ model: champion.outputs.model, holdout }, { name: 'evaluate-champion' });
        return championGate({ candidate: candidate.outputs.metrics, champion: judged.outputs.metrics, policy });
      },
      { name: 'has-champion' },
    ).otherwise(() => gate({ candidate: candidate.outputs.metrics, policy }));
    when(
      decision.outputs.passed.eq(true),
      () => {
        register({
          model: trained.outputs.model,
          metrics: candidate.outputs.metrics,
          gateReport: decision.outputs.report,
          name: modelName,
          alias,
        });
      },
      { name: 'gate-passed' },
    );
    return { passed: decision.outputs.passed, report: decision.outputs.report, summary: decision.outputs.summary };
  },
);
