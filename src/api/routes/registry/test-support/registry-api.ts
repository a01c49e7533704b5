import * as assert from 'node:assert/strict';
import type { TestServer } from '../../../test-support/server.js';

/** A response body: JSON whose shape each test asserts. */
// biome-ignore lint/suspicious/noExplicitAny: bodies are parsed JSON, checked field by field by the tests
export type Json = any;

/** Calls under one MLflow API root, and the helpers the registry route tests share. */
export interface RegistryApi {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Calls and asserts a 200, returning the body. */
  ok(method: string, path: string, body?: unknown): Promise<Json>;
  /** Calls and asserts MLflow's error shape with this status and error_code, returning the message. */
  fails(method: string, path: string, body: unknown, status: number, errorCode: string): Promise<string>;
  /** Creates a registered model and `versions` versions of it under `mlflow-artifacts:/models/<name>/<n>`. */
  model(name: string, versions?: number): Promise<void>;
}

export function registryApi(server: TestServer, root = '/api/2.0/mlflow/'): RegistryApi {
  const call = (method: string, path: string, body?: unknown) => server.call(method, `${root}${path}`, body);
  const api: RegistryApi = {
    call,
    async ok(method, path, body) {
      const response = await call(method, path, body);
      assert.equal(response.status, 200, `${method} ${path}: ${JSON.stringify(response.body)}`);
      return response.body;
    },
    async fails(method, path, body, status, errorCode) {
      const response = await call(method, path, body);
      assert.equal(
        response.status,
        status,
        `${method} ${path} ${JSON.stringify(body)}: ${JSON.stringify(response.body)}`,
      );
      assert.equal(response.body?.error_code, errorCode, JSON.stringify(response.body));
      assert.equal(typeof response.body.message, 'string');
      assert.deepEqual(Object.keys(response.body).sort(), ['error_code', 'message']);
      return response.body.message;
    },
    async model(name, versions = 0) {
      await api.ok('POST', 'registered-models/create', { name });
      for (let n = 1; n <= versions; n++)
        await api.ok('POST', 'model-versions/create', { name, source: `mlflow-artifacts:/models/${name}/${n}` });
    },
  };
  return api;
}

let counter = 0;
/** A model name no other test in this process uses. */
export function uniqueName(prefix = 'model'): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}
