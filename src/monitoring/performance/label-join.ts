import { invalidArgument } from '../../core/errors.js';

/** Identifier shared by a logged prediction and its ground-truth label (1 and '1' are different ids). */
export type RecordId = string | number;

/** A prediction as logged at serving time. `timestamp` is epoch milliseconds. */
export interface PredictionRecord<P = unknown> {
  id: RecordId;
  timestamp: number;
  prediction: P;
  /** Model scores, e.g. the probability of the positive class or one probability per class. */
  scores?: number | readonly number[];
}

/** A ground-truth label that arrives later. */
export interface LabelRecord<L = unknown> {
  id: RecordId;
  label: L;
}

/** A prediction joined with its label. */
export interface JoinedRow<P = unknown, L = unknown> extends PredictionRecord<P> {
  label: L;
}

/** Counts of everything that did not join. */
export interface JoinCounts {
  /** Predictions still waiting for their label. */
  unmatchedPredictions: number;
  /** Labels whose prediction has not been seen. */
  unmatchedLabels: number;
  /** Predictions ignored because their id was already seen (the first one is kept). */
  duplicatePredictions: number;
  /** Labels ignored because their id already had a label (the first one is kept). */
  duplicateLabels: number;
  /** Predictions given up on by `expirePredictionsBefore` (their label never came). */
  expiredPredictions: number;
}

/**
 * Joins predictions with labels that arrive later, in any order, one record at a time. A record is matched by id
 * with the first record of the other kind; the first prediction and the first label of an id win and later ones
 * are counted as duplicates (a repeated id is a logging bug to surface, not to resolve silently). Joined ids are
 * remembered so that a late duplicate is still recognised; pending predictions can be expired by time.
 */
export class LabelJoiner<P = unknown, L = unknown> {
  private readonly pendingPredictions = new Map<RecordId, PredictionRecord<P>>();
  private readonly pendingLabels = new Map<RecordId, LabelRecord<L>>();
  private readonly joinedIds = new Set<RecordId>();
  private duplicatePredictions = 0;
  private duplicateLabels = 0;
  private expiredPredictions = 0;

  /** Adds a prediction; returns the joined row when its label was already waiting. */
  addPrediction(record: PredictionRecord<P>): JoinedRow<P, L> | undefined {
    checkId('prediction', record.id);
    if (typeof record.timestamp !== 'number' || !Number.isFinite(record.timestamp)) {
      throw invalidArgument(`prediction ${String(record.id)}: timestamp is ${String(record.timestamp)}; use epoch ms`);
    }
    if (this.joinedIds.has(record.id) || this.pendingPredictions.has(record.id)) {
      this.duplicatePredictions++;
      return undefined;
    }
    const label = this.pendingLabels.get(record.id);
    if (label === undefined) {
      this.pendingPredictions.set(record.id, record);
      return undefined;
    }
    this.pendingLabels.delete(record.id);
    return this.join(record, label);
  }

  /** Adds a label; returns the joined row when its prediction was already waiting. */
  addLabel(record: LabelRecord<L>): JoinedRow<P, L> | undefined {
    checkId('label', record.id);
    if (this.joinedIds.has(record.id) || this.pendingLabels.has(record.id)) {
      this.duplicateLabels++;
      return undefined;
    }
    const prediction = this.pendingPredictions.get(record.id);
    if (prediction === undefined) {
      this.pendingLabels.set(record.id, record);
      return undefined;
    }
    this.pendingPredictions.delete(record.id);
    return this.join(prediction, record);
  }

  /** Gives up on pending predictions logged before `timestamp` (ms); returns how many were dropped. */
  expirePredictionsBefore(timestamp: number): number {
    let dropped = 0;
    for (const [id, p] of this.pendingPredictions) {
      if (p.timestamp < timestamp) {
        this.pendingPredictions.delete(id);
        dropped++;
      }
    }
    this.expiredPredictions += dropped;
    return dropped;
  }

  counts(): JoinCounts {
    return {
      unmatchedPredictions: this.pendingPredictions.size,
      unmatchedLabels: this.pendingLabels.size,
      duplicatePredictions: this.duplicatePredictions,
      duplicateLabels: this.duplicateLabels,
      expiredPredictions: this.expiredPredictions,
    };
  }

  /** Ids of the predictions still waiting for a label, oldest first. */
  pendingPredictionIds(): RecordId[] {
    return [...this.pendingPredictions.values()].sort((a, b) => a.timestamp - b.timestamp).map((p) => p.id);
  }

  private join(prediction: PredictionRecord<P>, label: LabelRecord<L>): JoinedRow<P, L> {
    this.joinedIds.add(prediction.id);
    return { ...prediction, label: label.label };
  }
}

/** All joined rows (sorted by prediction timestamp, ties in input order) and the counts of what did not join. */
export interface JoinResult<P, L> extends JoinCounts {
  rows: JoinedRow<P, L>[];
}

/** Joins two batches of records with `LabelJoiner` (predictions first, then labels). */
export function joinPredictionsWithLabels<P, L>(
  predictions: Iterable<PredictionRecord<P>>,
  labels: Iterable<LabelRecord<L>>,
): JoinResult<P, L> {
  const joiner = new LabelJoiner<P, L>();
  for (const p of predictions) joiner.addPrediction(p);
  const rows: JoinedRow<P, L>[] = [];
  for (const l of labels) {
    const row = joiner.addLabel(l);
    if (row) rows.push(row);
  }
  rows.sort((a, b) => a.timestamp - b.timestamp); // Array.prototype.sort is stable
  return { rows, ...joiner.counts() };
}

function checkId(kind: string, id: RecordId): void {
  if (!((typeof id === 'string' && id.length > 0) || (typeof id === 'number' && Number.isFinite(id)))) {
    throw invalidArgument(`${kind} id is ${JSON.stringify(id)}; ids must be non-empty strings or finite numbers`);
  }
}
