/**
 * Hot swaps: polls the registry for every `NAME@ALIAS` the server follows and, when an alias has moved, loads and
 * warms the new version and switches to it atomically while the old one drains (ModelManager.load) — no request
 * fails. A failed check or load is reported and retried at the next poll; the served version keeps answering.
 * Only served models follow their alias: one unloaded through the repository API stays unloaded until it is loaded
 * again (which serves the alias's version of the moment).
 */
import { errorMessage } from '../core/errors.js';
import type { InferenceService } from './inference-service.js';
import type { RegistryModelRepository } from './registry-model-repository.js';

export interface AliasWatcherEvents {
  /** An alias moved and the server now serves `version`. */
  swapped?(name: string, from: string | undefined, to: string): void;
  failed?(name: string, message: string): void;
}

/** Starts polling every `intervalMs` (checks never overlap); returns a function that stops and waits. */
export function watchAliases(
  service: InferenceService,
  repository: RegistryModelRepository,
  intervalMs: number,
  events: AliasWatcherEvents = {},
): () => Promise<void> {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const check = async (name: string) => {
    try {
      const target = String((await repository.currentVersion(name)).version);
      const served = service.manager.versionsOf(name)[0]?.version;
      // A model not served now was unloaded on purpose (repository API) or is still loading: left as it is.
      if (served === undefined || served === target) return;
      await service.loadModel(name);
      events.swapped?.(name, served, service.manager.versionsOf(name)[0]?.version ?? target);
    } catch (error) {
      events.failed?.(name, errorMessage(error));
    }
  };
  const tick = () => {
    running = Promise.all(repository.aliasReferences().map((ref) => check(ref.name))).then(() => {
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  if (repository.aliasReferences().length > 0) timer = setTimeout(tick, intervalMs);
  return async () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    await running;
  };
}
