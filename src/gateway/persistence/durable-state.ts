import type { CumulativeStore } from '../aggregation/index.js';
import { gatewayError } from '../errors/index.js';
import type { StateStore } from '../state/index.js';
import { isCheckpointableStore } from '../state/index.js';
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

/**
 * A replica's state made durable by checkpoints: every change of the state store and the aggregate
 * it guards runs through run(), and a checkpoint is captured only when no run is between the two,
 * so a checkpoint never holds a commit without its aggregation. acknowledged() resolves when a
 * checkpoint holding everything aggregated so far is on disk (group commit).
 */
export class DurableState {
  private readonly quiet = new Quiescence();
  private readonly location: CheckpointLocation | undefined;
  /** The checkpoint the runs finished now wait for (see acknowledged()). */
  private groupCommit: Promise<void> | undefined;

  constructor(private readonly options: DurableStateOptions) {
    const { stateDir } = options;
    this.location = stateDir === undefined ? undefined : new CheckpointLocation(stateDir);
  }

  /** A state directory is set: acknowledgements wait for checkpoints, and restarts resume from them. */
  get persisted(): boolean {
    return this.location !== undefined;
  }

  /**
   * Loads the last checkpoint (when persisted): the aggregate with its start times and, with the
   * embedded store, the sessions. Returns whether one was loaded. Throws CheckpointFileError naming
   * the file when it is damaged.
   */
  restore(): boolean {
    const checkpoint = this.location?.load();
    if (!checkpoint) return false;
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
    return true;
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
    const [checkpoint, captured] = await this.quiet.capture((): [GatewayCheckpoint, T] => [
      {
        format: CHECKPOINT_FORMAT,
        replicaId,
        savedAtMs: Date.now(),
        aggregate: aggregate.checkpoint(),
        ...(isCheckpointableStore(store) ? { store: store.checkpoint() } : {}),
      },
      alsoCapture(),
    ]);
    await location.save(checkpoint);
    return captured;
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
