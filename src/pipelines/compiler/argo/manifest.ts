// The subset of the Argo Workflows (argoproj.io/v1alpha1) Workflow resource that the compiler writes.
// Tests validate whole manifests against the published schema (@kubernetes-models/argo-workflows).

export interface ArgoParameter {
  name: string;
  value?: string;
  default?: string;
  description?: string;
  valueFrom?: { path?: string; parameter?: string };
}

export interface ArgoArtifact {
  name: string;
  path?: string;
  from?: string;
  fromExpression?: string;
  optional?: boolean;
  s3?: { key: string; bucket?: string };
  http?: { url: string };
  gcs?: { key: string; bucket?: string };
}

export interface ArgoArguments {
  parameters?: ArgoParameter[];
  artifacts?: ArgoArtifact[];
}

export interface ArgoDagTask {
  name: string;
  template: string;
  arguments?: ArgoArguments;
  dependencies?: string[];
  when?: string;
  withItems?: unknown[];
  withParam?: string;
  hooks?: { exit: { template: string; arguments?: ArgoArguments } };
}

export interface ArgoTemplate {
  name: string;
  /** Undefined fields are dropped when the workflow is finished. */
  inputs?: ArgoArguments | undefined;
  outputs?: ArgoArguments | undefined;
  metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> };
  dag?: { tasks: ArgoDagTask[] };
  parallelism?: number;
  container?: {
    name: string;
    image: string;
    command: string[];
    env?: { name: string; value: string }[];
    workingDir?: string;
    volumeMounts?: { name: string; mountPath: string }[];
  };
  volumes?: { name: string; emptyDir: Record<string, never> }[];
  retryStrategy?: {
    limit: number;
    retryPolicy: 'Always';
    backoff: { duration: string; factor: number; cap: string };
  };
  activeDeadlineSeconds?: number;
}

export interface ArgoWorkflow {
  apiVersion: 'argoproj.io/v1alpha1';
  kind: 'Workflow';
  metadata: { generateName: string; namespace?: string; annotations: Record<string, string> };
  spec: {
    entrypoint: string;
    serviceAccountName?: string;
    arguments?: ArgoArguments;
    hooks?: { exit: { template: string; arguments?: ArgoArguments } };
    templates: ArgoTemplate[];
  };
}
