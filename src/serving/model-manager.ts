/**
 * The model manager: which model versions are served, their load state, and the atomic switch between them.
 *
 * - `load(model)` loads every version the repository selected, each complete and warm, while the versions
 *   already served keep answering; then one assignment makes the new set visible (requests that arrive after it
 *   go to the new versions); then the versions no longer served are drained (every request they accepted is
 *   answered) and freed. No request fails because of a swap. If a version fails to load, nothing is switched and
 *   the error (with the version marked UNAVAILABLE in the index) reaches the caller.
 * - Operations on one model are serialised; different models load in parallel.
 * - `close` waits for loads under way and unloads what they loaded; a load asked for after it is refused.
 * - A request without a version goes to the highest version number served (Triton's rule).
 */
import { errorMessage, notFound, OspreyError } from '../core/errors.js';
import type { ModelToLoad } from './model-repository.js';
import { type QueueState, ServingMetrics } from './observability/metrics.js';
import type { ModelRuntime } from './runtime.js';
import { ServedVersion } from './served-version.js';

/** The index reason of a version that loaded but was discarded because another version of the load failed. */
export const ANOTHER_VERSION_FAILED = 'another version failed to load';

/** A version's state as the repository index reports it (Triton's states). */
export type IndexState = 'READY' | 'LOADING' | 'UNLOADING' | 'UNAVAILABLE';

export interface IndexEntry {
  readonly name: string;
  readonly version: string;
  readonly state: IndexState;
  readonly reason: string;
}

interface ServedModel {
  readonly versions: ReadonlyMap<string, ServedVersion>;
  readonly latest: ServedVersion;
}

export class ModelManager {
  readonly metrics: ServingMetrics;
  private readonly served = new Map<string, ServedModel>();
  /** States of versions that are not (or no longer) served: loading, unloading, failed, unloaded. */
  private readonly transitions = new Map<string, Map<string, { state: IndexState; reason: string }>>();
  private readonly locks = new Map<string, Promise<unknown>>();
  private closing = false;

  constructor(readonly runtime: ModelRuntime) {
    this.metrics = new ServingMetrics(() => this.queueStates());
  }

  /**
   * Loads (or reloads) a model as the repository resolved it, switching atomically and draining the old versions.
   * `keepServed`: versions already served are kept as they are, not loaded again (for immutable versions, such as
   * a registry's: a rollout adding or dropping a challenger must not reload the champion).
   */
  load(model: ModelToLoad, options: { keepServed?: boolean } = {}): Promise<void> {
    return this.serialised(model.name, async () => {
      if (this.closing)
        throw new OspreyError('UNAVAILABLE', `model '${model.name}' not loaded: the server is stopping`);
      const states = this.transitionsOf(model.name);
      const served = options.keepServed ? this.served.get(model.name)?.versions : undefined;
      for (const { version } of model.versions)
        if (served?.get(version) === undefined) states.set(version, { state: 'LOADING', reason: '' });
      const loaded = await Promise.allSettled(
        model.versions.map(
          (v) =>
            served?.get(v.version) ??
            ServedVersion.load(this.runtime, model.name, v, v.config ?? model.config, this.metrics),
        ),
      );
      const failed = loaded.findIndex((r) => r.status === 'rejected');
      if (failed >= 0) {
        const fresh = (r: PromiseSettledResult<ServedVersion>, i: number) =>
          r.status === 'fulfilled' && served?.get(model.versions[i]!.version) === undefined;
        await Promise.allSettled(
          loaded.map((r, i) => (fresh(r, i) ? (r as PromiseFulfilledResult<ServedVersion>).value.unload() : undefined)),
        );
        for (const [i, result] of loaded.entries())
          states.set(model.versions[i]!.version, {
            state: 'UNAVAILABLE',
            reason: result.status === 'rejected' ? errorMessage(result.reason) : ANOTHER_VERSION_FAILED,
          });
        throw (loaded[failed] as PromiseRejectedResult).reason;
      }
      const versions = new Map(
        loaded.map((r) => {
          const version = (r as PromiseFulfilledResult<ServedVersion>).value;
          return [version.version, version] as const;
        }),
      );
      const previous = this.served.get(model.name);
      this.served.set(model.name, { versions, latest: highest(versions) }); // the switch
      for (const version of versions.keys()) states.delete(version);
      if (previous) await this.retire(model.name, previous);
    });
  }

  /** Stops serving every version of a model: new requests get NOT_FOUND at once, accepted ones are answered. */
  unload(name: string): Promise<void> {
    return this.serialised(name, async () => {
      const previous = this.served.get(name);
      if (previous === undefined) throw notFound(`model '${name}' is not loaded`, { model: name });
      this.served.delete(name);
      await this.retire(name, previous);
    });
  }

  /**
   * The version a request goes to (synchronous: a request takes its version and submits to its batcher in one
   * turn of the event loop, so a swap cannot slip between). NOT_FOUND for a model or version not served.
   */
  resolve(name: string, version?: string): ServedVersion {
    const model = this.served.get(name);
    if (model === undefined) {
      const loading = [...(this.transitions.get(name)?.values() ?? [])].some((s) => s.state === 'LOADING');
      if (loading) throw new OspreyError('UNAVAILABLE', `model '${name}' is loading`, { details: { model: name } });
      throw notFound(`model '${name}' is not loaded`, { model: name });
    }
    if (version === undefined || version === '') return model.latest;
    const served = model.versions.get(version);
    if (served === undefined)
      throw notFound(
        `model '${name}' has no version '${version}' loaded (loaded: ${[...model.versions.keys()].join(', ')})`,
        { model: name, version },
      );
    return served;
  }

  /** The versions served for a model, highest first; empty when it is not loaded. */
  versionsOf(name: string): ServedVersion[] {
    const model = this.served.get(name);
    return model ? [...model.versions.values()].sort(byVersionDescending) : [];
  }

  /** Every served version, by model name then version. */
  all(): ServedVersion[] {
    return [...this.served.keys()].sort().flatMap((name) => this.versionsOf(name));
  }

  /** Served versions and those loading, unloading or failed, for the repository index. */
  index(): IndexEntry[] {
    const entries: IndexEntry[] = this.all().map((v) => ({
      name: v.name,
      version: v.version,
      state: v.state,
      reason: '',
    }));
    for (const [name, states] of this.transitions)
      for (const [version, { state, reason }] of states)
        if (!this.served.get(name)?.versions.has(version)) entries.push({ name, version, state, reason });
    return entries.sort((a, b) => a.name.localeCompare(b.name) || Number(b.version) - Number(a.version));
  }

  /** Unloads everything (draining each version), loads under way included once they end. */
  async close(): Promise<void> {
    this.closing = true;
    const names = new Set([...this.served.keys(), ...this.locks.keys()]);
    await Promise.allSettled(
      [...names].map((name) =>
        this.serialised(name, async () => {
          const previous = this.served.get(name);
          if (previous === undefined) return;
          this.served.delete(name);
          await this.retire(name, previous);
        }),
      ),
    );
  }

  private async retire(name: string, previous: ServedModel): Promise<void> {
    const states = this.transitionsOf(name);
    const current = this.served.get(name)?.versions;
    await Promise.all(
      [...previous.versions.values()].map(async (version) => {
        if (current?.get(version.version) === version) return; // kept (load with keepServed)
        if (current?.get(version.version) === undefined)
          states.set(version.version, { state: 'UNLOADING', reason: '' });
        await version.unload();
        if (current?.get(version.version) === undefined)
          states.set(version.version, { state: 'UNAVAILABLE', reason: 'unloaded' });
      }),
    );
  }

  private transitionsOf(name: string): Map<string, { state: IndexState; reason: string }> {
    let states = this.transitions.get(name);
    if (states === undefined) {
      states = new Map();
      this.transitions.set(name, states);
    }
    return states;
  }

  private serialised<T>(name: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(name) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => {});
    this.locks.set(name, settled);
    void settled.then(() => {
      if (this.locks.get(name) === settled) this.locks.delete(name);
    });
    return next;
  }

  private *queueStates(): Iterable<QueueState> {
    for (const version of this.all())
      yield {
        name: version.name,
        version: version.version,
        inFlight: version.batcher.inFlight,
        queued: version.batcher.queueLength,
      };
  }
}

const byVersionDescending = (a: ServedVersion, b: ServedVersion) =>
  Number(b.version) - Number(a.version) || b.version.localeCompare(a.version);

function highest(versions: ReadonlyMap<string, ServedVersion>): ServedVersion {
  return [...versions.values()].sort(byVersionDescending)[0]!;
}
