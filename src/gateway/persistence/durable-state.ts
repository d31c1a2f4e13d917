import { randomUUID } from 'node:crypto';
import type { CumulativeStore } from '../aggregation/index.js';
import { gatewayError } from '../errors/index.js';
import type { JournaledStore, JournalEntry, StateStore } from '../state/index.js';
import { isCheckpointableStore, isJournaledStore } from '../state/index.js';
import { CheckpointLocation, CHECKPOINT_FORMAT, type GatewayCheckpoint } from './gateway-checkpoint.js';
import { Quiescence } from './quiescence.js';

type Log = (level: 'info' | 'warn' | 'error', msg: string, fields?: Record<string, unknown>) => void;

export interface DurableStateOptions {
  /** The replica's state directory; undefined = nothing is persisted. */
  stateDir: string | undefined;
  replicaId: string;
  /** The aggregate the checkpoint holds. */
  aggregate: CumulativeStore;
  /** The state store; the embedded one is checkpointed with the aggregate. */
  store: StateStore;
  /** Requests acknowledged within this many milliseconds share one checkpoint. */
  groupCommitMs: number;
  retryAfterSeconds: number;
  log: Log;
}

/** Recomputes and aggregates what journaled changes added (the pipeline's contribution code). */
export type JournalReplay = (entries: readonly JournalEntry[]) => Promise<void>;

/** Pause between attempts to read the journal while Redis is unreachable at start. */
const JOURNAL_RETRY_MS = 1_000;

/**
 * A replica's state made durable by checkpoints: every change of the state store and the aggregate
 * it guards runs through run(), and a checkpoint is captured only when no run is between the two,
 * so a checkpoint never holds a commit without its aggregation. acknowledged() resolves when a
 * checkpoint holding everything aggregated so far is on disk (group commit).
 *
 * With the embedded store the checkpoint holds the sessions too. With Redis the decisions live
 * there, and are journaled there in the same atomic step (JournaledStore): the checkpoint names the
 * journal and the last entry it holds; a restart replays the entries after it.
 */
export class DurableState {
  private readonly quiet = new Quiescence();
  private readonly location: CheckpointLocation | undefined;
  /** The checkpoint the runs finished now wait for (see acknowledged()). */
  private groupCommit: Promise<void> | undefined;
  /** With Redis: the id of this replica's journal (set by restore()). */
  private journalId: string | undefined;
  /** The journal entries already dropped (a trim asked for). */
  private trimmedThrough = 0;

  constructor(private readonly options: DurableStateOptions) {
    const { stateDir } = options;
    this.location = stateDir === undefined ? undefined : new CheckpointLocation(stateDir);
  }

  /** A state directory is set: acknowledgements wait for checkpoints, and restarts resume from them. */
  get persisted(): boolean {
    return this.location !== undefined;
  }

  /** Redis with a state directory: its decisions are journaled, and replayed after a crash. */
  get journaled(): boolean {
    return this.location !== undefined && isJournaledStore(this.options.store);
  }

  /**
   * Loads the last checkpoint (when persisted): the aggregate with its start times and, with the
   * embedded store, the sessions; with Redis, replays the journal entries after it and writes a
   * checkpoint naming the journal before any change is journaled. Resolves whether there was state
   * to restore. Throws CheckpointFileError naming the file when it is damaged.
   */
  async restore(replay: JournalReplay): Promise<boolean> {
    const restored = this.restoreCheckpoint();
    if (!this.journaled) return restored !== undefined;
    const store = this.options.store as StateStore & JournaledStore;
    const { id, through } = restored?.journal ?? { id: randomUUID(), through: 0 };
    store.openJournal(id, through);
    this.journalId = id;
    const entries = await this.readJournal(store, through);
    if (entries.length > 0) {
      await this.run(() => replay(entries));
      this.options.log('info', 'journal replayed', { journal: id, after: through, entries: entries.length });
    }
    await this.checkpointThen(() => undefined);
    return restored !== undefined || entries.length > 0;
  }

  /** The journal's entries after `through`; waits for Redis while it is unreachable. */
  private async readJournal(store: JournaledStore, through: number): Promise<JournalEntry[]> {
    for (;;) {
      try {
        return await store.readJournal(through);
      } catch (err) {
        this.options.log('warn', 'cannot read the journal from Redis yet; retrying', {
          err: (err as Error).message,
        });
        await new Promise((resolve) => setTimeout(resolve, JOURNAL_RETRY_MS));
      }
    }
  }

  private restoreCheckpoint(): GatewayCheckpoint | undefined {
    const checkpoint = this.location?.load();
    if (!checkpoint) return undefined;
    const { aggregate, store, replicaId, log } = this.options;
    if (checkpoint.replicaId !== replicaId) {
      log('warn', 'checkpoint was written by another replica id; its series continue under this one', {
        checkpointReplicaId: checkpoint.replicaId,
      });
    }
    aggregate.restore(checkpoint.aggregate);
    if (checkpoint.store && isCheckpointableStore(store)) store.restore(checkpoint.store);
    log('info', 'state restored from checkpoint', {
      file: this.location?.path,
      savedAtMs: checkpoint.savedAtMs,
      series: aggregate.seriesCount,
      sessions: checkpoint.store?.sessions.length,
    });
    return checkpoint;
  }

  /** Runs a change of the state store and the aggregation of what it decided, as one unit. */
  run<T>(work: () => Promise<T>): Promise<T> {
    return this.quiet.run(work);
  }

  /**
   * Captures a checkpoint while no run is in progress (new ones wait), calls `alsoCapture` at that
   * same moment, writes the checkpoint durably, then returns what `alsoCapture` returned. Without
   * a state directory it only calls `alsoCapture`.
   */
  async checkpointThen<T>(alsoCapture: () => T): Promise<T> {
    const location = this.location;
    if (!location) return alsoCapture();
    const { aggregate, store, replicaId } = this.options;
    const journal = this.journaled ? (store as StateStore & JournaledStore) : undefined;
    const [checkpoint, captured] = await this.quiet.capture((): [GatewayCheckpoint, T] => [
      {
        format: CHECKPOINT_FORMAT,
        replicaId,
        savedAtMs: Date.now(),
        aggregate: aggregate.checkpoint(),
        ...(isCheckpointableStore(store) ? { store: store.checkpoint() } : {}),
        ...(journal && this.journalId
          ? { journal: { id: this.journalId, through: journal.journaledThrough() } }
          : {}),
      },
      alsoCapture(),
    ]);
    await location.save(checkpoint);
    if (journal && checkpoint.journal) this.trim(journal, checkpoint.journal.through);
    return captured;
  }

  /** Drops the journal entries a checkpoint on disk holds; a failure only leaves them for the next one. */
  private trim(journal: JournaledStore, through: number): void {
    if (through <= this.trimmedThrough) return;
    this.trimmedThrough = through;
    journal.trimJournal(through).catch((err: unknown) => {
      this.trimmedThrough = 0;
      this.options.log('warn', 'trimming the journal failed; the next checkpoint retries', {
        err: (err as Error).message,
      });
    });
  }

  /**
   * At shutdown, after the final flush to the collector (`flushed`: it succeeded): with a state
   * directory a final checkpoint holds everything acknowledged, and the next start exports what
   * the flush could not; without one, what the flush could not export is lost.
   */
  async afterFinalFlush(flushed: boolean): Promise<void> {
    const { log } = this.options;
    if (!this.location) {
      if (!flushed) log('error', 'final flush to the collector failed; unexported data is lost');
      return;
    }
    await this.checkpointThen(() => undefined);
    if (!flushed) log('warn', 'final flush to the collector failed; the checkpoint keeps the data');
  }

  /**
   * Resolves once a checkpoint captured after this call is on disk (group commit): the runs that
   * finish within groupCommitMs share one checkpoint, and each request is answered only when what
   * it added is durable. Rejects with a retryable 503 when the checkpoint fails. Resolves at once
   * without a state directory.
   */
  acknowledged(): Promise<void> {
    if (!this.location) return Promise.resolve();
    this.groupCommit ??= (async () => {
      await new Promise((resolve) => setTimeout(resolve, this.options.groupCommitMs));
      // Runs finished from now on need the next checkpoint: this one may be captured already.
      this.groupCommit = undefined;
      await this.checkpointThen(() => undefined);
    })().catch((err: unknown) => {
      this.options.log('error', 'checkpoint failed; requests are refused until one succeeds', {
        err: (err as Error).message,
      });
      throw gatewayError('FILESFU_GW_OVERLOADED', {
        reason: 'state directory not writable',
        retryAfterSeconds: this.options.retryAfterSeconds,
      });
    });
    return this.groupCommit;
  }
}
