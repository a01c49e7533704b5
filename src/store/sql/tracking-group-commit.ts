import { type Kysely, sql } from 'kysely';
import { isOspreyError } from '../../core/errors.js';
import type { RunBatch } from '../tracking.js';
import type { Database } from './tables.js';
import { type SqlContext, writeTransaction } from './transactions.js';

/**
 * Writes one batch inside the caller's transaction; throws an OspreyError for a batch the store refuses. Only a
 * batch with params may be refused after it has written something (a changed param is found by writing).
 */
export type BatchWrite = (trx: Kysely<Database>, runId: string, batch: RunBatch) => Promise<void>;

interface Pending {
  runId: string;
  batch: RunBatch;
  resolve(): void;
  reject(error: unknown): void;
}

/** At most this many batches, and about this many entries, per transaction: bounds how long one holds the lock. */
const MAX_GROUP = 64;
const MAX_GROUP_ENTRIES = 10_000;

const entries = (batch: RunBatch) => batch.metrics.length + batch.params.length + batch.tags.length;

/**
 * Group commit for log-batch: batches that arrive while a transaction is being written share the next one, so a
 * commit (SQLite: a WAL append; PostgreSQL: an fsync) is paid once per group instead of once per request. Each
 * caller's promise settles only after the commit that holds its batch, so an acknowledged batch is durable.
 * Batches stay independent: one refused (deleted run, changed param) is rolled back to its savepoint and rejected
 * alone; a database failure fails the whole group, none of which was committed.
 */
export class GroupCommit {
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(
    private readonly ctx: SqlContext,
    private readonly write: BatchWrite,
  ) {}

  submit(runId: string, batch: RunBatch): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ runId, batch, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // After this turn's I/O callbacks: requests that arrived together are written together.
        setImmediate(() => void this.#drain());
      }
    });
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const group = this.#takeGroup();
        let outcomes: unknown[];
        try {
          outcomes = await writeTransaction(this.ctx, (trx) => this.#writeGroup(trx, group));
        } catch (error) {
          outcomes = group.map(() => error ?? new Error('group commit failed'));
        }
        group.forEach((pending, i) => {
          const outcome = outcomes[i];
          if (outcome === undefined) pending.resolve();
          else pending.reject(outcome);
        });
      }
    } finally {
      this.#scheduled = false;
      if (this.#queue.length > 0) {
        this.#scheduled = true;
        setImmediate(() => void this.#drain());
      }
    }
  }

  /** The next batches in arrival order, at least one, within the group bounds. */
  #takeGroup(): Pending[] {
    let count = 0;
    let size = 0;
    for (const pending of this.#queue) {
      if (count > 0 && (count >= MAX_GROUP || size + entries(pending.batch) > MAX_GROUP_ENTRIES)) break;
      count++;
      size += entries(pending.batch);
    }
    return this.#queue.splice(0, count);
  }

  /**
   * Batches with params under their own savepoint (the others are refused before they write); returns, per batch,
   * undefined or the error that refused it.
   */
  async #writeGroup(trx: Kysely<Database>, group: Pending[]): Promise<unknown[]> {
    const outcomes: unknown[] = [];
    for (const [i, pending] of group.entries()) {
      const savepoint = group.length > 1 && pending.batch.params.length > 0 ? sql.raw(`osprey_batch_${i}`) : undefined;
      if (savepoint) await sql`savepoint ${savepoint}`.execute(trx);
      try {
        await this.write(trx, pending.runId, pending.batch);
        if (savepoint) await sql`release savepoint ${savepoint}`.execute(trx);
        outcomes.push(undefined);
      } catch (error) {
        if (!isOspreyError(error) || group.length === 1) throw error;
        if (savepoint) {
          await sql`rollback to savepoint ${savepoint}`.execute(trx);
          await sql`release savepoint ${savepoint}`.execute(trx);
        }
        outcomes.push(error);
      }
    }
    return outcomes;
  }
}
