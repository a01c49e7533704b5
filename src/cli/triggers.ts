import type { Command } from 'commander';
import { expectOk } from '../client/transport.js';
import { invalidArgument } from '../core/errors.js';
import { isoTime } from '../core/time.js';
import { type ApiSession, withApi } from './api-client.js';
import { printJson, printLines, table } from './output.js';

const API = '/api/2.0/osprey/triggers';

interface TriggerJson {
  name: string;
  kind: string;
  pipeline: string;
  config: Record<string, unknown>;
  params: Record<string, unknown>;
  created_at: number;
}

interface EventJson {
  id: string;
  dedupe_key: string;
  reason: string;
  fired_at: number;
  run_id: string | null;
  error: string | null;
}

/** `osprey triggers add|ls|rm|history|fire`: continuous-training triggers, evaluated by `osprey server`. */
export function registerTriggerCommands(program: Command): void {
  const triggers = program.command('triggers').description('continuous-training triggers (evaluated by osprey server)');
  triggers
    .command('add')
    .description('start a pipeline on a schedule, a new dataset version, a code change or an API call')
    .argument('<name>', 'trigger name')
    .requiredOption('--pipeline <file>', 'the pipeline file to run')
    .requiredOption('--kind <kind>', 'schedule, dataset, code or api')
    .option('--cron <expr>', 'schedule: cron expression, e.g. "0 3 * * *"')
    .option('--timezone <tz>', 'schedule: IANA time zone (default UTC)')
    .option('--dataset <name>', 'dataset: the dataset whose new versions start runs')
    .option('--param <name>', 'dataset: the pipeline parameter receiving name@N (default data)')
    .option('--params <json>', 'parameters for every run, as a JSON object')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: Record<string, string | boolean | undefined>) =>
      withApi(async (api) => {
        const body = {
          name,
          pipeline: o.pipeline,
          kind: o.kind,
          cron: o.cron,
          timezone: o.timezone,
          dataset: o.dataset,
          param: o.param,
          params: o.params ? parseObject(String(o.params)) : undefined,
        };
        const { trigger } = await call<{ trigger: TriggerJson }>(api, 'POST', 'create', body);
        if (o.json) return printJson(trigger);
        printLines(`added ${trigger.kind} trigger ${trigger.name} → ${trigger.pipeline}`);
      }),
    );
  triggers
    .command('ls')
    .description('list triggers')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) =>
      withApi(async (api) => {
        const { triggers: list } = await call<{ triggers: TriggerJson[] }>(api, 'GET', 'list');
        if (o.json) return printJson(list);
        printLines(
          ...table(
            ['NAME', 'KIND', 'WHEN', 'PIPELINE'],
            list.map((t) => [t.name, t.kind, JSON.stringify(t.config), t.pipeline]),
          ),
        );
      }),
    );
  triggers
    .command('rm')
    .description('remove a trigger and its history')
    .argument('<name>', 'trigger name')
    .action(async (name: string) =>
      withApi(async (api) => {
        await call(api, 'DELETE', 'delete', { name });
        printLines(`removed ${name}`);
      }),
    );
  triggers
    .command('history')
    .description("a trigger's events, newest first, with the runs they started")
    .argument('<name>', 'trigger name')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { json?: boolean }) =>
      withApi(async (api) => {
        const { events } = await call<{ events: EventJson[] }>(api, 'GET', 'history', { name });
        if (o.json) return printJson(events);
        printLines(
          ...table(
            ['FIRED', 'KEY', 'RUN', 'REASON'],
            events.map((e) => [
              isoTime(e.fired_at),
              e.dedupe_key,
              e.run_id ?? (e.error ? `error: ${e.error}` : 'pending'),
              e.reason,
            ]),
          ),
        );
      }),
    );
  triggers
    .command('fire')
    .description('fire an API trigger once for a key (what drift alerts do); embedded, the run completes first')
    .argument('<name>', 'trigger name')
    .requiredOption('--key <key>', 'dedupe key: firing again with the same key starts nothing')
    .option('--reason <text>', 'why')
    .option('--params <json>', 'parameters for this run, as a JSON object')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o: { key: string; reason?: string; params?: string; json?: boolean }) =>
      withApi(async (api) => {
        const body = {
          name,
          dedupe_key: o.key,
          reason: o.reason,
          params: o.params ? parseObject(o.params) : undefined,
        };
        const { event } = await call<{ event: EventJson }>(api, 'POST', 'fire', body);
        if (o.json) return printJson(event);
        printLines(
          event.error ? `fired ${name}: the run could not start: ${event.error}` : `fired ${name}: run ${event.run_id}`,
        );
        if (event.error) process.exitCode = 1;
      }),
    );
}

async function call<T>(api: ApiSession, method: string, path: string, fields?: Record<string, unknown>): Promise<T> {
  const reply =
    method === 'GET' && fields
      ? await api.transport.request(method, `${API}/${path}`, { query: fields as Record<string, string> })
      : await api.transport.request(method, `${API}/${path}`, fields ? { body: fields } : {});
  return expectOk<T>(reply, `triggers/${path}`);
}

function parseObject(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {}
  throw invalidArgument(`--params ${JSON.stringify(text)} is not a JSON object`);
}
