/**
 * Artifact locations outside the store, after MLflow's path-traversal CVEs (CVE-2023-1177, -2356, -6909, 2024-1483,
 * -1558, -3848 and kin): every one must be refused.
 */
export const OUTSIDE_THE_STORE = [
  'file:///etc/passwd',
  '/etc/passwd',
  'relative/path',
  's3://bucket/key',
  'http://evil.example/x',
  'runs:/abc/model',
  'mlflow-artifacts://evil.example/x',
  'mlflow-artifacts:///abs',
  'mlflow-artifacts:/../../etc',
  'mlflow-artifacts:/a/../../b',
  'mlflow-artifacts:/%2e%2e/etc',
  'mlflow-artifacts:/%252e%252e%252fetc',
  'mlflow-artifacts:/a%2f..%2f..%2fb',
  'mlflow-artifacts:/a\\..\\b',
  'mlflow-artifacts:/a%00b',
  'mlflow-artifacts:/a#frag',
  'mlflow-artifacts:/a?x=1',
  'mlflow-artifacts:/a;param',
  'mlflow-artifacts:/C:/windows',
  'mlflow-artifacts://proc/self/root',
  'mlflow-artifacts:/',
  'MLFLOW-ARTIFACTS:/x',
];
