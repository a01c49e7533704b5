/** Tags that tie tracking runs to the orchestrator's records (and walk lineage back from a model version). */
export const PIPELINE_TAGS = {
  runId: 'osprey.pipeline.run_id',
  name: 'osprey.pipeline.name',
  specDigest: 'osprey.pipeline.spec_digest',
  task: 'osprey.pipeline.task',
  component: 'osprey.component.name',
  componentDigest: 'osprey.component.digest',
  image: 'osprey.component.image',
  cacheKey: 'osprey.cache.key',
  cachedFrom: 'osprey.cache.source_run_id',
  parent: 'mlflow.parentRunId',
  outputPrefix: 'osprey.output.',
  reproduces: 'osprey.pipeline.reproduces',
} as const;
