/**
 * One endpoint's live traffic while its deployment says so: which version answers each request, and what each
 * side did since the rollout's current step began (the evidence the rollout controller judges).
 *
 * - stable: the champion answers.
 * - shadow: the champion answers; a share of requests (sticky by routing key) is also sent to the challenger, whose
 *   answer — or error, or timeout — never reaches the caller. Both answers are kept side by side (shadowDiff); the
 *   challenger is judged only on requests the champion answered.
 * - canary: the share of keys given by the current step goes to the challenger (sticky: a key on the challenger at
 *   10 % stays there at 50 %). A challenger failure, timeout or refusal is counted against it and the champion
 *   answers instead; when the champion fails too, the request itself was at fault and nobody is charged.
 *
 * The routing key is the request's `routing_key` parameter, else its id, else random (no stickiness).
 */
import { isOspreyError } from '../../core/errors.js';
import type { DeploymentPhase } from '../../store/deployments.js';
import type { InferenceRequest, InferenceResponse, InferOutput } from '../protocol/types.js';
import { isFloatDatatype } from '../tensor.js';
import type { VariantStats } from './canary-analysis.js';
import { quantile, type ShadowDiff, type ShadowPair, shadowDiff } from './shadow-diff.js';
import { routesToChallenger } from './sticky-routing.js';

/** What the router needs of a deployment record: who serves, in which phase and at which share. */
export interface RolloutSnapshot {
  readonly phase: DeploymentPhase;
  readonly champion: string;
  readonly challenger: string | null;
  /** Canary: the challenger's share now (0–100). */
  readonly percent: number;
  /** Shadow: the share of requests mirrored to the challenger (0–100). */
  readonly shadowPercent: number;
  /** Changes whenever the evidence must start afresh (new challenger, phase or canary step). */
  readonly stepKey: string;
}

/** Runs one version of the endpoint's model; `logAs` files the prediction under another deployment name. */
export type RunVersion = (version: string, request: InferenceRequest, logAs?: string) => Promise<InferenceResponse>;

export interface RolloutEvidence {
  readonly champion: VariantStats;
  readonly challenger: VariantStats;
  /** Shadow phase only: both answers compared. */
  readonly shadow: ShadowDiff | null;
  /** Mirrored requests not sent because too many shadow calls were in flight. */
  readonly shadowSkipped: number;
}

export interface LiveRolloutOptions {
  /** The longest a challenger call (shadow or canary) may take before it counts as an error (default 5 s). */
  readonly challengerTimeoutMs?: number;
  /** Shadow calls in flight at most; beyond, a request is not mirrored (default 256). */
  readonly maxShadowInFlight?: number;
  /** Latencies and shadow pairs kept per step (the newest; default 10,000). */
  readonly keep?: number;
}

/** The deployment name shadow answers are logged under, apart from the answers callers received. */
export const shadowDeployment = (endpoint: string) => `${endpoint}:shadow`;

export class LiveRollout {
  #snapshot: RolloutSnapshot;
  #champion: VariantCounter;
  #challenger: VariantCounter;
  #pairs: Ring<ShadowPair>;
  #shadowInFlight = 0;
  #shadowSkipped = 0;
  readonly #timeoutMs: number;
  readonly #maxInFlight: number;
  readonly #keep: number;

  constructor(
    readonly endpoint: string,
    snapshot: RolloutSnapshot,
    options: LiveRolloutOptions = {},
  ) {
    this.#snapshot = snapshot;
    this.#timeoutMs = options.challengerTimeoutMs ?? 5_000;
    this.#maxInFlight = options.maxShadowInFlight ?? 256;
    this.#keep = options.keep ?? 10_000;
    this.#champion = new VariantCounter(this.#keep);
    this.#challenger = new VariantCounter(this.#keep);
    this.#pairs = new Ring(this.#keep);
  }

  get snapshot(): RolloutSnapshot {
    return this.#snapshot;
  }

  /** Follows the deployment; the evidence starts afresh when the step changed. */
  update(snapshot: RolloutSnapshot): void {
    const fresh = snapshot.stepKey !== this.#snapshot.stepKey;
    this.#snapshot = snapshot;
    if (!fresh) return;
    this.#champion = new VariantCounter(this.#keep);
    this.#challenger = new VariantCounter(this.#keep);
    this.#pairs = new Ring(this.#keep);
    this.#shadowSkipped = 0;
  }

  evidence(): RolloutEvidence {
    return {
      champion: this.#champion.stats(),
      challenger: this.#challenger.stats(),
      shadow: this.#snapshot.phase === 'shadow' ? shadowDiff(this.#pairs.items()) : null,
      shadowSkipped: this.#shadowSkipped,
    };
  }

  infer(request: InferenceRequest, run: RunVersion): Promise<InferenceResponse> {
    const s = this.#snapshot;
    if (s.challenger === null || (s.phase !== 'shadow' && s.phase !== 'canary'))
      return this.#timed(this.#champion, s.champion, request, run);
    const key = routingKey(request);
    if (s.phase === 'canary')
      return routesToChallenger(key, s.percent)
        ? this.#canary(s.challenger, s.champion, request, run)
        : this.#timed(this.#champion, s.champion, request, run);
    if (!routesToChallenger(key, s.shadowPercent)) return this.#timed(this.#champion, s.champion, request, run);
    return this.#shadow(s.champion, s.challenger, request, run);
  }

  /**
   * The challenger answers, within the challenger timeout. When it fails, times out or refuses (queue full), the
   * champion answers instead and the challenger is charged — once the champion has answered: a request that
   * fails everywhere is the caller's.
   */
  async #canary(
    challenger: string,
    champion: string,
    request: InferenceRequest,
    run: RunVersion,
  ): Promise<InferenceResponse> {
    const counter = this.#challenger;
    const championCounter = this.#champion;
    const started = performance.now();
    try {
      const response = await withTimeout(run(challenger, bounded(request, this.#timeoutMs)), this.#timeoutMs);
      counter.succeeded(performance.now() - started);
      return response;
    } catch {
      const response = await this.#timed(championCounter, champion, request, run);
      counter.failed();
      return response;
    }
  }

  /**
   * The champion answers the caller; the challenger gets the same request (bounded in time and in calls in
   * flight). The challenger is judged only on requests the champion answered: a bad request charges nobody.
   */
  #shadow(
    champion: string,
    challenger: string,
    request: InferenceRequest,
    run: RunVersion,
  ): Promise<InferenceResponse> {
    const championStarted = performance.now();
    const answered = this.#timed(this.#champion, champion, request, run);
    if (this.#shadowInFlight >= this.#maxInFlight) {
      this.#shadowSkipped++;
      return answered;
    }
    this.#shadowInFlight++;
    const counter = this.#challenger;
    const pairs = this.#pairs;
    const started = performance.now();
    // The count follows the challenger's own call (not the timeout), so a slow challenger cannot pile up work.
    const call = run(challenger, bounded(request, this.#timeoutMs), shadowDeployment(this.endpoint));
    call
      .catch(() => {})
      .finally(() => {
        this.#shadowInFlight--;
      });
    const mirrored = withTimeout(call, this.#timeoutMs).then(
      (response) => ({ response, latencyMs: performance.now() - started }),
      () => null,
    );
    void Promise.all([
      answered.then(
        (response) => ({ response, latencyMs: performance.now() - championStarted }),
        () => null,
      ),
      mirrored,
    ]).then(([main, shadow]) => {
      if (main === null) return; // the champion failed: the caller has its error; nothing to judge
      if (shadow === null) {
        counter.failed();
        return;
      }
      counter.succeeded(shadow.latencyMs);
      const a = rowsOf(main.response.outputs);
      const b = rowsOf(shadow.response.outputs);
      for (let i = 0; i < Math.min(a.length, b.length); i++)
        pairs.push({
          champion: { ...a[i]!, latencyMs: main.latencyMs },
          challenger: { ...b[i]!, latencyMs: shadow.latencyMs },
        });
    });
    return answered;
  }

  #timed(
    counter: VariantCounter,
    version: string,
    request: InferenceRequest,
    run: RunVersion,
  ): Promise<InferenceResponse> {
    const started = performance.now();
    return run(version, request).then(
      (response) => {
        counter.succeeded(performance.now() - started);
        return response;
      },
      (error: unknown) => {
        if (!isClientError(error)) counter.failed();
        throw error;
      },
    );
  }
}

/** Requests, errors and the newest latencies of one side. */
class VariantCounter {
  requests = 0;
  errors = 0;
  readonly #latencies: Ring<number>;

  constructor(keep: number) {
    this.#latencies = new Ring(keep);
  }

  succeeded(latencyMs: number): void {
    this.requests++;
    this.#latencies.push(latencyMs);
  }

  failed(): void {
    this.requests++;
    this.errors++;
  }

  stats(): VariantStats {
    return {
      requests: this.requests,
      errors: this.errors,
      latencyP99Ms: quantile(this.#latencies.items(), 0.99),
      accuracy: null,
      labelled: 0,
    };
  }
}

/** The newest `capacity` items. */
class Ring<T> {
  readonly #items: T[] = [];
  #next = 0;

  constructor(private readonly capacity: number) {}

  push(item: T): void {
    if (this.#items.length < this.capacity) this.#items.push(item);
    else this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.capacity;
  }

  items(): readonly T[] {
    return this.#items;
  }
}

function routingKey(request: InferenceRequest): string {
  const key = request.parameters.routing_key;
  if (typeof key === 'string' && key !== '') return key;
  if (request.id !== undefined && request.id !== '') return request.id;
  return String(Math.random());
}

/** Each row's label (the first non-float output) and scores (the first float output), as a shadow pair side. */
export function rowsOf(outputs: readonly InferOutput[]): { label: string; scores: number[] | null }[] {
  const labels = outputs.find((o) => !isFloatDatatype(o.datatype));
  const scores = outputs.find((o) => isFloatDatatype(o.datatype));
  const shaped = labels ?? scores;
  if (shaped === undefined) return [];
  const rows = shaped.shape.length === 0 ? 1 : shaped.shape[0]!;
  const width = (t: InferOutput) => (rows === 0 ? 0 : t.data.length / rows);
  const result: { label: string; scores: number[] | null }[] = [];
  for (let r = 0; r < rows; r++) {
    const rowScores =
      scores === undefined
        ? null
        : Array.from(scores.data as ArrayLike<number>).slice(r * width(scores), (r + 1) * width(scores));
    result.push({
      label: labels === undefined ? String(argmax(rowScores ?? [])) : labelAt(labels, r),
      scores: rowScores,
    });
  }
  return result;
}

function labelAt(tensor: InferOutput, row: number): string {
  const value = (tensor.data as ArrayLike<unknown>)[row];
  return value instanceof Uint8Array ? Buffer.from(value).toString('utf8') : String(value);
}

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const isClientError = (error: unknown) => isOspreyError(error) && error.code === 'INVALID_ARGUMENT';

/** The request with a queue timeout (Triton's `timeout`, microseconds) no longer than `ms`. */
function bounded(request: InferenceRequest, ms: number): InferenceRequest {
  const given = request.parameters.timeout;
  const limit = ms * 1000;
  if (typeof given === 'number' && given > 0 && given <= limit) return request;
  return { ...request, parameters: { ...request.parameters, timeout: limit } };
}
