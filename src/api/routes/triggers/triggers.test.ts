import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunRequest } from '../../../pipelines/triggers/trigger-service.js';
import { startTestServer, type TestServer } from '../../test-support/server.js';

const started: RunRequest[] = [];
let server: TestServer;
let pipeline: string;
before(async () => {
  server = await startTestServer('sqlite', { startRun: async (request) => void started.push(request) });
  pipeline = join(server.home, 'retrain.mts');
  await writeFile(pipeline, '// a pipeline file\n');
});
after(() => server.close());

const API = '/api/2.0/osprey/triggers';

describe('trigger API', () => {
  it('creates, lists, fires once per dedupe key, shows history and deletes', async () => {
    const created = await server.call('POST', `${API}/create`, {
      name: 'on-drift',
      kind: 'api',
      pipeline,
      params: { threshold: 0.9 },
    });
    assert.equal(created.status, 200, JSON.stringify(created.body));
    assert.equal(created.body.trigger.kind, 'api');
    const list = await server.call('GET', `${API}/list`);
    assert.deepEqual(
      list.body.triggers.map((t: { name: string }) => t.name),
      ['on-drift'],
    );
    for (let i = 0; i < 3; i++) {
      const fired = await server.call('POST', `${API}/fire`, {
        name: 'on-drift',
        dedupe_key: 'alert-1',
        params: { data: 'weather@2' },
      });
      assert.equal(fired.status, 200);
      assert.equal(fired.body.event.run_id, fired.body.event.id);
    }
    assert.equal(started.length, 1);
    assert.deepEqual(started[0]?.params, { threshold: 0.9, data: 'weather@2' });
    const history = await server.call('GET', `${API}/history`, { name: 'on-drift' });
    assert.equal(history.body.events.length, 1);
    assert.equal((await server.call('DELETE', `${API}/delete`, { name: 'on-drift' })).status, 200);
    assert.equal((await server.call('GET', `${API}/history`, { name: 'on-drift' })).status, 404);
  });

  it('refuses bad triggers with MLflow-shaped 4xx errors', async () => {
    const kind = await server.call('POST', `${API}/create`, { name: 'x', kind: 'sometimes', pipeline });
    assert.equal(kind.body.error_code, 'INVALID_PARAMETER_VALUE');
    const cron = await server.call('POST', `${API}/create`, {
      name: 'x',
      kind: 'schedule',
      pipeline,
      cron: 'every day',
    });
    assert.equal(cron.status, 400);
    const file = await server.call('POST', `${API}/create`, { name: 'x', kind: 'api', pipeline: '/nope/p.ts' });
    assert.equal(file.status, 404);
  });
});
