// A step that registers a model and asks the orchestrator to deploy it, for the executor's deployment tests
// (src/pipelines/executor/deploy.test.ts). `deploy` is passed through as given, so a test can also send a bad one.
import { writeFile } from 'node:fs/promises';
import { component, Model, pipeline } from '../../src/pipelines/dsl/index.js';

export const publish = component(
  {
    name: 'publish',
    inputs: { model: 'string', content: 'string', deploy: 'json' },
    outputs: { release: Model },
  },
  async ({ model, content, deploy }, ctx) => {
    await writeFile(ctx.outputs.release.path, content);
    ctx.registerModel(model, ctx.outputs.release, { deploy: deploy as never });
  },
);

export const publishAndDeploy = pipeline(
  { name: 'publish-and-deploy', params: { model: 'string', content: 'string', deploy: 'json' } },
  ({ model, content, deploy }) => {
    publish({ model, content, deploy });
  },
);
