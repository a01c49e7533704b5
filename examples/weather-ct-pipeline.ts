// Continuous training for the Seattle weather data (components in ./ct-components.ts): validate the data →
// split by time (oldest 80 % train, newest 20 % holdout) → train with Osprey's ONNX-exporting trainers → evaluate
// in ONNX Runtime on the holdout → gate → register only when the gate passes, and deploy: the first version
// becomes the endpoint's champion, a later one its challenger, tried by shadow then canary.
//
// Two pipelines, one graph:
//   - `weather-ct` (the default export) is the loop itself: `champion` is the registry's current model
//     (`models:/weather-wet@champion`, resolved by the executor); it is evaluated on the same holdout and the
//     built-in `championGate` also requires the candidate to be no worse than it. A CT trigger runs this one.
//   - `weather-ct-first` (`--export weatherCtFirst`) starts the loop when there is no champion yet: the built-in
//     `gate` checks the thresholds alone. (An artifact parameter cannot be left empty, so "no champion" is a
//     pipeline of its own rather than a boolean next to a `champion` that would still need a value.)
//
//   osprey pipelines run examples/weather-ct-pipeline.ts --export weatherCtFirst --param data=seattle-weather-2012@1
//   osprey pipelines run examples/weather-ct-pipeline.ts --param data=seattle-weather@2 \
//     --param champion=models:/weather-wet@champion
import { championGate, gate, validateData } from '../src/pipelines/components/index.js';
import { Dataset, Model, type ParamRefs, pipeline, when } from '../src/pipelines/dsl/index.js';
import { evaluateOnnx, registerAndDeploy, splitByTime, trainOnnx } from './ct-components.js';

/** The seed's `accuracy > 0.85` (bounds are inclusive), and no regression against the champion. */
export const DEFAULT_CT_POLICY = {
  thresholds: { accuracy: { min: 0.85 } },
  noWorseThanChampion: { metrics: ['accuracy', 'log_loss'], tolerance: 0 },
};

/** What the data must look like before anything is trained on it (offending days are quarantined). */
export const CT_EXPECTATIONS = {
  rowCount: { min: 300 },
  columns: {
    date: { type: 'date', maxNullShare: 0 },
    precipitation: { type: 'number', min: 0, max: 60, maxNullShare: 0 },
    temp_max: { type: 'number', min: -20, max: 45, maxNullShare: 0 },
    temp_min: { type: 'number', min: -20, max: 45, maxNullShare: 0 },
    wind: { type: 'number', min: 0, max: 20, maxNullShare: 0 },
    weather: { type: 'string', allowed: ['drizzle', 'rain', 'sun', 'snow', 'fog'], maxNullShare: 0 },
  },
};

const PARAMS = {
  data: { type: Dataset, default: 'seattle-weather', description: 'The weather dataset version (or CSV) to train on.' },
  target: { type: 'string', default: 'wet', description: 'wet (rain or snow) or weather (the five classes).' },
  algorithm: { type: 'string', default: 'gradient-boosting', description: 'gradient-boosting or logistic-regression.' },
  policy: { type: 'json', default: DEFAULT_CT_POLICY, description: 'The gate policy (see GatePolicy).' },
  expectations: { type: 'json', default: CT_EXPECTATIONS, description: 'What validateData checks.' },
  modelName: { type: 'string', default: 'weather-wet' },
  endpoint: { type: 'string', default: 'weather', description: 'Where the registered version is deployed.' },
  strategy: { type: 'string', default: 'shadow-then-canary', description: 'How a challenger is tried.' },
  analysis: {
    type: 'json',
    default: {},
    description: "Overrides of the rollout's analysis thresholds, e.g. { minRequests: 25 } (see AnalysisPolicy).",
  },
} as const;

type Params = ParamRefs<typeof PARAMS>;

/** Validate → split → train → evaluate the candidate; returns what the gate and the registration need. */
function candidate(p: Params) {
  const checked = validateData({ data: p.data, expectations: p.expectations, policy: 'quarantine' });
  const parts = splitByTime({ data: checked.outputs.valid });
  const trained = trainOnnx({ data: parts.outputs.train, target: p.target, algorithm: p.algorithm });
  const judged = evaluateOnnx(
    { model: trained.outputs.model, holdout: parts.outputs.holdout, target: p.target },
    { name: 'evaluate-candidate' },
  );
  return { model: trained.outputs.model, metrics: judged.outputs.metrics, holdout: parts.outputs.holdout };
}

/** Registers and deploys the candidate only when the gate passed. */
function registerIfPassed(
  p: Params,
  c: ReturnType<typeof candidate>,
  decision: ReturnType<typeof gate> | ReturnType<typeof championGate>,
) {
  when(
    decision.outputs.passed.eq(true),
    () => {
      registerAndDeploy({
        model: c.model,
        metrics: c.metrics,
        gateReport: decision.outputs.report,
        name: p.modelName,
        endpoint: p.endpoint,
        strategy: p.strategy,
        analysis: p.analysis,
      });
    },
    { name: 'gate-passed' },
  );
  return { passed: decision.outputs.passed, summary: decision.outputs.summary };
}

export const weatherCt = pipeline(
  {
    name: 'weather-ct',
    description: 'Retrains the weather model; registers and deploys it when it passes its gate against the champion.',
    params: {
      ...PARAMS,
      champion: { type: Model, description: 'The model to beat, e.g. models:/weather-wet@champion.' },
    },
  },
  (p) => {
    const c = candidate(p);
    const championMetrics = evaluateOnnx(
      { model: p.champion, holdout: c.holdout, target: p.target },
      { name: 'evaluate-champion' },
    );
    const decision = championGate({
      candidate: c.metrics,
      champion: championMetrics.outputs.metrics,
      policy: p.policy,
    });
    return registerIfPassed(p, c, decision);
  },
);

export const weatherCtFirst = pipeline(
  {
    name: 'weather-ct-first',
    description: 'Trains the first weather model; registers it and deploys it as the champion when it passes its gate.',
    params: PARAMS,
  },
  (p) => {
    const c = candidate(p);
    const decision = gate({ candidate: c.metrics, policy: p.policy });
    return registerIfPassed(p, c, decision);
  },
);

export default weatherCt;
