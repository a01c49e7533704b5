import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { OspreyError } from '../../core/errors.js';
import type { StepExit } from './launch.js';
import { stopOnLimits } from './step-stopper.js';

export const CONTAINER_ENGINES = ['docker', 'podman'] as const;
export type ContainerEngine = (typeof CONTAINER_ENGINES)[number];

const PROBE_TIMEOUT_MS = 15_000;

/**
 * The container engine that answers on this machine: `OSPREY_CONTAINER_ENGINE` when set, else docker, else podman.
 * An engine answers when `<engine> version --format {{.Server.Version}}` succeeds (for docker: its daemon is up).
 * None answering is UNAVAILABLE, with what each engine said.
 */
export async function detectContainerEngine(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<ContainerEngine> {
  const chosen = env.OSPREY_CONTAINER_ENGINE?.trim();
  if (chosen && !CONTAINER_ENGINES.includes(chosen as ContainerEngine))
    throw new OspreyError('INVALID_ARGUMENT', `OSPREY_CONTAINER_ENGINE=${chosen}: use docker or podman`);
  const candidates = chosen ? [chosen as ContainerEngine] : [...CONTAINER_ENGINES];
  const problems: string[] = [];
  for (const engine of candidates) {
    const problem = await probe(engine, env);
    if (problem === null) return engine;
    problems.push(`${engine}: ${problem}`);
  }
  throw new OspreyError(
    'UNAVAILABLE',
    `the container runner needs docker or podman answering on this machine, and none does (${problems.join('; ')}); ` +
      'start an engine, or run with the process runner',
  );
}

function probe(engine: ContainerEngine, env: Readonly<Record<string, string | undefined>>): Promise<string | null> {
  return new Promise((resolve) => {
    let stderr = '';
    const child = spawn(engine, ['version', '--format', '{{.Server.Version}}'], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ...env },
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), PROBE_TIMEOUT_MS);
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve(error.code === 'ENOENT' ? 'not installed' : error.message);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(null);
      else resolve(signal ? `no answer within ${PROBE_TIMEOUT_MS} ms` : firstLine(stderr) || `exited with ${code}`);
    });
  });
}

const firstLine = (text: string) => text.trim().split('\n')[0]?.trim() ?? '';

export interface ContainerStep {
  engine: ContainerEngine;
  image: string;
  /** A name unique to the attempt, so a timeout or cancellation can kill exactly this container. */
  name: string;
  /** Host directories mounted at the same path inside, so the paths in the step request stay valid. */
  mounts: { path: string; readOnly: boolean }[];
  workDir: string;
  argv: string[];
  env: Record<string, string>;
}

/** `<engine> run …` arguments for one step: removed when done, same-path mounts, the host's user. */
export function containerRunArgs(step: ContainerStep): string[] {
  const user = typeof process.getuid === 'function' ? [`--user=${process.getuid()}:${process.getgid?.() ?? 0}`] : [];
  return [
    'run',
    '--rm',
    `--name=${step.name}`,
    ...user,
    ...step.mounts.flatMap((m) => ['--volume', `${m.path}:${m.path}:${m.readOnly ? 'ro' : 'rw'}`]),
    `--workdir=${step.workDir}`,
    ...Object.entries(step.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    step.image,
    ...step.argv,
  ];
}

/**
 * Runs a step in a container, output appended to `logPath`. A timeout or an abort kills the container by name
 * (`<engine> kill`), then the engine client.
 */
export function launchContainerStep(
  step: ContainerStep,
  options: { logPath: string; timeoutMs: number | null; signal?: AbortSignal },
): Promise<StepExit> {
  const started = performance.now();
  const log = openSync(options.logPath, 'a');
  const child = spawn(step.engine, containerRunArgs(step), { stdio: ['ignore', log, log] });
  closeSync(log);
  // The engine client may not pass signals on: kill the container by name, then the client.
  const limits = stopOnLimits(options, (signal) => {
    if (signal === 'SIGTERM') spawn(step.engine, ['kill', step.name], { stdio: 'ignore' }).on('error', () => {});
    else child.kill('SIGKILL');
  });
  return new Promise((resolve) => {
    const finish = (exitCode: number | null, signal: string | null) => {
      limits.done();
      resolve({ exitCode, signal, timedOut: limits.timedOut(), durationMs: Math.round(performance.now() - started) });
    };
    child.on('error', () => finish(null, null));
    child.on('exit', (code, signal) => finish(code, signal));
  });
}
