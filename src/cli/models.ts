import type { Command } from 'commander';
import { DatasetsClient } from '../client/datasets-client.js';
import type { MlflowClient } from '../client/mlflow-client.js';
import type { ModelVersion, RegisteredModel, Run } from '../client/types.js';
import { invalidArgument } from '../core/errors.js';
import { isoTime } from '../core/time.js';
import { PIPELINE_TAGS } from '../pipelines/executor/tracking-tags.js';
import { withApi } from './api-client.js';
import { printJson, printLines, shortDigest, table } from './output.js';

export function registerModelCommands(program: Command): void {
  const models = program.command('models').description('the model registry');
  models
    .command('ls')
    .description('list registered models')
    .option('-f, --filter <filter>', 'MLflow filter, e.g. "name LIKE \'churn%\'"')
    .option('--json', 'machine-readable output')
    .action(async (opts: { filter?: string; json?: boolean }) =>
      withApi(async ({ client }) => {
        const all: RegisteredModel[] = [];
        let pageToken: string | undefined;
        do {
          const page = await client.searchRegisteredModels({
            maxResults: 1000,
            ...(opts.filter ? { filter: opts.filter } : {}),
            ...(pageToken ? { pageToken } : {}),
          });
          all.push(...page.items);
          pageToken = page.nextPageToken;
        } while (pageToken);
        if (opts.json) return printJson(all);
        printLines(
          ...table(
            ['NAME', 'LATEST', 'ALIASES', 'UPDATED'],
            all.map((m) => [
              m.name,
              (m.latest_versions ?? []).map((v) => v.version).join(', '),
              (m.aliases ?? []).map((a) => `${a.alias}→${a.version}`).join(', '),
              m.last_updated_timestamp ? isoTime(m.last_updated_timestamp) : '',
            ]),
          ),
        );
      }),
    );
  models
    .command('show')
    .description('show a registered model, or one version of it (NAME, NAME/VERSION or NAME@ALIAS)')
    .argument('<model>', 'NAME, NAME/VERSION or NAME@ALIAS')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }) =>
      withApi(async ({ client }) => {
        if (!ref.includes('/') && !ref.includes('@')) {
          const model = await client.getRegisteredModel(ref);
          const versions = await client.searchModelVersions({ filter: `name = '${ref.replaceAll("'", "\\'")}'` });
          if (opts.json) return printJson({ registered_model: model, model_versions: versions.items });
          printLines(
            `${model.name}${model.description ? ` — ${model.description}` : ''}`,
            ...table(['VERSION', 'STAGE', 'ALIASES', 'RUN', 'SOURCE'], versions.items.map(versionRow)),
          );
          return;
        }
        const version = await resolveVersion(client, ref);
        if (opts.json) return printJson(version);
        printLines(...table(['VERSION', 'STAGE', 'ALIASES', 'RUN', 'SOURCE'], [versionRow(version)]));
      }),
    );
  models
    .command('alias')
    .description('point an alias (e.g. champion) at a version, or --delete it')
    .argument('<name>', 'registered model')
    .argument('<alias>', 'alias name')
    .argument('[version]', 'version number (required unless --delete)')
    .option('--delete', 'remove the alias')
    .option('--json', 'machine-readable output')
    .action(
      async (name: string, alias: string, version: string | undefined, opts: { delete?: boolean; json?: boolean }) =>
        withApi(async ({ client }) => {
          if (opts.delete) await client.deleteModelAlias(name, alias);
          else if (!version) throw invalidArgument('give the version the alias should point at, or --delete');
          else await client.setModelAlias(name, alias, version);
          const result = { name, alias, version: opts.delete ? null : version };
          if (opts.json) return printJson(result);
          printLines(opts.delete ? `deleted ${name}@${alias}` : `${name}@${alias} → version ${version}`);
        }),
    );
  models
    .command('lineage')
    .description('the chain model version → run → dataset versions → code commit')
    .argument('<model>', 'NAME@ALIAS or NAME/VERSION')
    .option('--json', 'machine-readable output')
    .action(async (ref: string, opts: { json?: boolean }) =>
      withApi(async ({ client, transport }) => {
        const lineage = await traceLineage(client, new DatasetsClient(transport), ref);
        if (opts.json) return printJson(lineage);
        printLines(...describeLineage(lineage));
      }),
    );
}

/** `NAME@ALIAS` or `NAME/VERSION` → the model version. */
export async function resolveVersion(client: MlflowClient, ref: string): Promise<ModelVersion> {
  const at = ref.lastIndexOf('@');
  if (at > 0) return client.getModelVersionByAlias(ref.slice(0, at), ref.slice(at + 1));
  const slash = ref.lastIndexOf('/');
  if (slash > 0) return client.getModelVersion(ref.slice(0, slash), ref.slice(slash + 1));
  throw invalidArgument(`name a model version as NAME@ALIAS or NAME/VERSION, not ${JSON.stringify(ref)}`);
}

export interface Lineage {
  modelVersion: ModelVersion;
  run: Run | null;
  datasets: {
    name: string;
    digest: string;
    context: string | null;
    ospreyVersion: string | null;
    rows: number | null;
  }[];
  code: { gitCommit: string | null; source: string | null };
  params: Record<string, string>;
  /** When a pipeline step registered the version: the pipeline run, its code version and every step. */
  pipeline: PipelineLineage | null;
}

export interface PipelineLineage {
  runId: string;
  name: string;
  /** The pipeline's code version: the digest of its compiled spec (every component's code digest inside). */
  specDigest: string;
  status: string;
  params: Record<string, string>;
  datasets: Lineage['datasets'];
  /** The step that registered the version. */
  registeredBy: string;
  steps: {
    task: string;
    runId: string;
    status: string;
    componentDigest: string;
    cachedFrom: string | null;
    outputs: Record<string, string>;
  }[];
}

export async function traceLineage(client: MlflowClient, datasets: DatasetsClient, ref: string): Promise<Lineage> {
  const modelVersion = await resolveVersion(client, ref);
  const run = modelVersion.run_id ? await client.getRun(modelVersion.run_id) : null;
  const tags = new Map((run?.data?.tags ?? []).map((t) => [t.key, t.value]));
  const pipelineRunId = tags.get(PIPELINE_TAGS.runId);
  return {
    modelVersion,
    run,
    datasets: run ? await linkedDatasets(datasets, run) : [],
    code: { gitCommit: tags.get('mlflow.source.git.commit') ?? null, source: tags.get('mlflow.source.name') ?? null },
    params: Object.fromEntries((run?.data?.params ?? []).map((p) => [p.key, p.value])),
    pipeline: run && pipelineRunId ? await tracePipeline(client, datasets, pipelineRunId, run) : null,
  };
}

/** From a step's run to its pipeline run and all the steps of that run. */
async function tracePipeline(
  client: MlflowClient,
  datasets: DatasetsClient,
  pipelineRunId: string,
  stepRun: Run,
): Promise<PipelineLineage> {
  const run = await client.getRun(pipelineRunId);
  const tagsOf = (r: Run) => new Map((r.data?.tags ?? []).map((t) => [t.key, t.value]));
  const tags = tagsOf(run);
  const steps: Run[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.searchRuns([run.info.experiment_id], {
      filter: `tags.\`${PIPELINE_TAGS.parent}\` = '${pipelineRunId}'`,
      orderBy: ['attributes.start_time ASC'],
      maxResults: 1000,
      ...(pageToken ? { pageToken } : {}),
    });
    steps.push(...page.items);
    pageToken = page.nextPageToken;
  } while (pageToken);
  return {
    runId: pipelineRunId,
    name: tags.get(PIPELINE_TAGS.name) ?? '',
    specDigest: tags.get(PIPELINE_TAGS.specDigest) ?? '',
    status: run.info.status ?? '',
    params: Object.fromEntries((run.data?.params ?? []).map((p) => [p.key, p.value])),
    datasets: await linkedDatasets(datasets, run),
    registeredBy: tagsOf(stepRun).get(PIPELINE_TAGS.task) ?? stepRun.info.run_id,
    steps: steps.map((step) => {
      const t = tagsOf(step);
      return {
        task: t.get(PIPELINE_TAGS.task) ?? step.info.run_name ?? '',
        runId: step.info.run_id,
        status: step.info.status ?? '',
        componentDigest: t.get(PIPELINE_TAGS.componentDigest) ?? '',
        cachedFrom: t.get(PIPELINE_TAGS.cachedFrom) ?? null,
        outputs: Object.fromEntries(
          [...t]
            .filter(([k]) => k.startsWith(PIPELINE_TAGS.outputPrefix))
            .map(([k, v]) => [k.slice(PIPELINE_TAGS.outputPrefix.length), v]),
        ),
      };
    }),
  };
}

async function linkedDatasets(datasets: DatasetsClient, run: Run): Promise<Lineage['datasets']> {
  return Promise.all(
    (run.inputs?.dataset_inputs ?? []).map(async (input) => {
      const digest = input.dataset.digest;
      const found = /^[0-9a-f]{8,64}$/.test(digest) ? await datasets.find(digest) : undefined;
      const context = input.tags?.find((t) => t.key === 'mlflow.data.context')?.value ?? null;
      return {
        name: input.dataset.name,
        digest,
        context,
        ospreyVersion: found?.ref ?? null,
        rows: found?.row_count ?? null,
      };
    }),
  );
}

function describeLineage(l: Lineage): string[] {
  const v = l.modelVersion;
  const lines = [
    `model version  ${v.name}/${v.version}${v.aliases?.length ? ` (@${v.aliases.join(', @')})` : ''}, stage ${v.current_stage ?? 'None'}`,
    `  source       ${v.source ?? ''}`,
  ];
  if (!l.run) return [...lines, '  run          none recorded (the version was registered without a run_id)'];
  const i = l.run.info;
  lines.push(
    `run            ${i.run_id}${i.run_name ? ` (${i.run_name})` : ''}, experiment ${i.experiment_id}, ${i.status ?? ''}`,
    `  params       ${
      Object.entries(l.params)
        .map(([k, val]) => `${k}=${val}`)
        .join(', ') || 'none'
    }`,
    `code           ${l.code.gitCommit ? `git commit ${l.code.gitCommit}` : 'no git commit recorded'}${l.code.source ? ` (${l.code.source})` : ''}`,
  );
  lines.push(...datasetLines(l.datasets, l.pipeline ? '' : ' (log-inputs)'));
  const p = l.pipeline;
  if (!p) return lines;
  lines.push(
    `pipeline run   ${p.runId} (${p.name}), ${p.status}; registered by step ${p.registeredBy}`,
    `  code         spec sha256:${shortDigest(p.specDigest)}`,
    `  params       ${
      Object.entries(p.params)
        .map(([k, val]) => `${k}=${val}`)
        .join(', ') || 'none'
    }`,
    ...datasetLines(p.datasets, '').map((line) => `  ${line}`),
    ...p.steps.map(
      (s) =>
        `  step         ${s.task} ${s.status}${s.cachedFrom ? ` (cached from ${s.cachedFrom})` : ''}, component sha256:${shortDigest(s.componentDigest)}${
          Object.keys(s.outputs).length
            ? ` → ${Object.entries(s.outputs)
                .map(([k, v]) => `${k}=${v.startsWith('sha256:') ? `sha256:${shortDigest(v.slice(7))}` : v}`)
                .join(' ')}`
            : ''
        }`,
    ),
  );
  return lines;
}

function datasetLines(datasets: Lineage['datasets'], hint: string): string[] {
  if (datasets.length === 0) return [`datasets       none recorded${hint}`];
  return datasets.map(
    (d) =>
      `dataset        ${d.ospreyVersion ?? d.name} sha256:${shortDigest(d.digest)}${d.context ? ` [${d.context}]` : ''}${
        d.rows !== null ? `, ${d.rows} rows` : d.ospreyVersion ? '' : ' (not an Osprey dataset version)'
      }`,
  );
}

function versionRow(v: ModelVersion): string[] {
  return [v.version, v.current_stage ?? 'None', (v.aliases ?? []).join(', '), v.run_id ?? '', v.source ?? ''];
}
