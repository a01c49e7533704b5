import * as assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { type Backend, backends, startTestServer, type TestServer } from '../../../test-support/server.js';

/**
 * MLflow REST calls against a real server on 127.0.0.1, and the shapes of service.proto's messages as MLflow's
 * message_to_json writes them (field names in field-number order, int64 as numbers, empty fields left out).
 */
export interface Api {
  server: TestServer;
  post(path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  get(path: string, query?: Record<string, unknown>): Promise<{ status: number; body: Json }>;
  /** Creates an experiment and returns its id. */
  experiment(name: string, extra?: Record<string, unknown>): Promise<string>;
  /** Creates a run and returns the `run` message. */
  run(experimentId: string, extra?: Record<string, unknown>): Promise<Json>;
}

/** A parsed JSON response, checked field by field by the tests. */
// biome-ignore lint/suspicious/noExplicitAny: responses are arbitrary JSON, asserted on below
export type Json = any;

let names = 0;
/** A name no other test of this process uses. */
export const unique = (prefix: string) => `${prefix}-${process.pid}-${++names}`;

/** One describe per backend (SQLite, and PostgreSQL when configured), with one server for its tests. */
export function eachBackend(title: string, body: (api: () => Api, backend: Backend) => void): void {
  for (const backend of backends()) {
    describe(`${title} (${backend})`, () => {
      let api: Api | undefined;
      before(async () => {
        api = mlflowApi(await startTestServer(backend));
      });
      after(() => api?.server.close());
      body(() => {
        if (!api) throw new Error('server not started');
        return api;
      }, backend);
    });
  }
}

export function mlflowApi(server: TestServer, root = '/api/2.0/mlflow'): Api {
  const api: Api = {
    server,
    post: (path, body = {}) => server.call('POST', `${root}/${path}`, body),
    get: (path, query = {}) => server.call('GET', `${root}/${path}`, query),
    async experiment(name, extra = {}) {
      const res = await api.post('experiments/create', { name, ...extra });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.experiment_id;
    },
    async run(experimentId, extra = {}) {
      const res = await api.post('runs/create', {
        experiment_id: experimentId,
        start_time: 1_700_000_000_000,
        ...extra,
      });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.run;
    },
  };
  return api;
}

/** An MLflow error: the status, `error_code`, and a message matching `pattern`. */
export function assertError(
  res: { status: number; body: Json },
  status: number,
  errorCode: string,
  pattern: RegExp = /./,
): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  assert.equal(res.body.error_code, errorCode, JSON.stringify(res.body));
  assert.equal(typeof res.body.message, 'string');
  assert.match(res.body.message, pattern);
  assert.deepEqual(Object.keys(res.body), ['error_code', 'message']);
}

/** Only these fields, in this (field-number) order; all present but the optional ones. */
function assertFields(value: object, fields: string[], optional: string[] = []): void {
  const keys = Object.keys(value);
  for (const key of fields)
    if (!optional.includes(key)) assert.ok(keys.includes(key), `missing ${key} in ${JSON.stringify(value)}`);
  for (const key of keys) assert.ok(fields.includes(key), `unexpected ${key} in ${JSON.stringify(value)}`);
  const positions = keys.map((k) => fields.indexOf(k));
  assert.deepEqual(
    positions,
    [...positions].sort((a, b) => a - b),
    `field order of ${JSON.stringify(value)}`,
  );
}

const keyValue = (tag: Json) => {
  assertFields(tag, ['key', 'value']);
  assert.equal(typeof tag.key, 'string');
  assert.equal(typeof tag.value, 'string');
};

export function assertExperiment(e: Json): void {
  const fields = ['experiment_id', 'name', 'artifact_location', 'lifecycle_stage', 'last_update_time', 'creation_time'];
  assertFields(e, [...fields, 'tags'], ['tags']);
  for (const field of ['experiment_id', 'name', 'artifact_location', 'lifecycle_stage'])
    assert.equal(typeof e[field], 'string');
  assert.ok(Number.isInteger(e.last_update_time) && Number.isInteger(e.creation_time), 'int64 times are numbers');
  assert.match(e.lifecycle_stage, /^(active|deleted)$/);
  if (e.tags) for (const tag of e.tags) keyValue(tag);
}

export function assertRunInfo(info: Json): void {
  const fields = ['run_uuid', 'experiment_id', 'run_name', 'user_id', 'status', 'start_time', 'end_time'];
  assertFields(info, [...fields, 'artifact_uri', 'lifecycle_stage', 'run_id'], ['end_time']);
  assert.equal(info.run_uuid, info.run_id);
  assert.match(info.run_id, /^[0-9a-f]{32}$/);
  assert.match(info.status, /^(RUNNING|SCHEDULED|FINISHED|FAILED|KILLED)$/);
  assert.ok(Number.isInteger(info.start_time));
  if ('end_time' in info) assert.ok(Number.isInteger(info.end_time));
  assert.equal(info.artifact_uri, `mlflow-artifacts:/${info.experiment_id}/${info.run_id}/artifacts`);
}

export function assertMetric(m: Json, extra: string[] = []): void {
  assertFields(m, ['key', 'value', 'timestamp', 'step', ...extra]);
  assert.ok(typeof m.value === 'number' || ['NaN', 'Infinity', '-Infinity'].includes(m.value), `value ${m.value}`);
  assert.ok(Number.isInteger(m.timestamp) && Number.isInteger(m.step));
}

export function assertRun(run: Json): void {
  assertFields(run, ['info', 'data', 'inputs']);
  assertRunInfo(run.info);
  assertFields(run.data, ['metrics', 'params', 'tags'], ['metrics', 'params', 'tags']);
  for (const m of run.data.metrics ?? []) assertMetric(m);
  for (const p of run.data.params ?? []) keyValue(p);
  for (const t of run.data.tags ?? []) keyValue(t);
  assertFields(run.inputs, ['dataset_inputs'], ['dataset_inputs']);
  for (const input of run.inputs.dataset_inputs ?? []) {
    assertFields(input, ['tags', 'dataset'], ['tags']);
    const optional = ['schema', 'profile'];
    assertFields(input.dataset, ['name', 'digest', 'source_type', 'source', ...optional], optional);
  }
}
