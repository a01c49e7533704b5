/** The typed TypeScript client of Osprey's API (MLflow-compatible tracking and registry). */
export { MlflowClient } from './mlflow-client.js';
export { RunLogger, type RunLoggerOptions } from './run-logger.js';
export { httpTransport, type Transport } from './transport.js';
export type * from './types.js';
