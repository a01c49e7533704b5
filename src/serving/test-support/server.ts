// A running model server over a temporary repository of fixture models, for the REST and gRPC tests:
// `tabular` (tabular_classifier, versions 1 and 2, all served), `tokens` (token_scorer), and `tight`
// (tabular_classifier whose queue holds one request for up to 300 ms, to overload on purpose).
import { DEFAULT_MODEL_CONFIG } from '../model-config.js';
import { DirectoryModelRepository } from '../model-repository.js';
import { type RunningModelServer, startModelServer } from '../model-server.js';
import { OnnxRuntime } from '../runtimes/onnx/onnx-runtime.js';
import { type TempRepository, tempRepository } from './repository.js';

export interface TestServer {
  readonly server: RunningModelServer;
  readonly repo: TempRepository;
  stop(): Promise<void>;
}

export async function startTestServer(options: { maxBodyBytes?: number } = {}): Promise<TestServer> {
  const repo = await tempRepository();
  await repo.addVersion('tabular', 1);
  await repo.addVersion('tabular', 2);
  await repo.writeConfig('tabular', 'config.yaml', 'version_policy: { all: true }\n');
  await repo.addVersion('tokens', 1, 'token_scorer');
  await repo.addVersion('tight', 1);
  await repo.writeConfig(
    'tight',
    'config.json',
    '{"max_batch_size": 4, "max_queue_delay_us": 300000, "max_queue_size": 1}',
  );
  const server = await startModelServer({
    runtime: new OnnxRuntime(),
    repository: new DirectoryModelRepository(repo.root, DEFAULT_MODEL_CONFIG),
    host: '127.0.0.1',
    httpPort: 0,
    grpcPort: 0,
    version: 'test',
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
  });
  return {
    server,
    repo,
    async stop() {
      await server.close();
      await repo.remove();
    },
  };
}
