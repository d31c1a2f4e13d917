import { join } from 'node:path';
import type { AggregateCheckpoint } from '../aggregation/index.js';
import type { MemoryStoreCheckpoint } from '../state/index.js';
import { damaged, readCheckpointFile, writeCheckpointFile } from './checkpoint-file.js';

/** Bumped when the layout changes incompatibly; an older gateway refuses a newer file. */
export const CHECKPOINT_FORMAT = 1;
export const CHECKPOINT_FILE_NAME = 'gateway-checkpoint.json';

/** What one replica persists: its aggregate and, with the embedded store, the session state. */
export interface GatewayCheckpoint {
  format: number;
  replicaId: string;
  savedAtMs: number;
  aggregate: AggregateCheckpoint;
  /** Absent with Redis (the shared state lives there). */
  store?: MemoryStoreCheckpoint;
  /** With Redis: this replica's journal there, and the last of its entries the aggregate holds. */
  journal?: { id: string; through: number };
}

/** The checkpoint file of a state directory. */
export class CheckpointLocation {
  readonly path: string;
  private writing: Promise<void> = Promise.resolve();

  constructor(stateDir: string) {
    this.path = join(stateDir, CHECKPOINT_FILE_NAME);
  }

  /** The last checkpoint, undefined when there is none; a clear error when it cannot be used. */
  load(): GatewayCheckpoint | undefined {
    const body = readCheckpointFile(this.path);
    if (body === undefined) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      throw damaged(this.path, `not valid JSON: ${(error as Error).message}`);
    }
    const checkpoint = parsed as Partial<GatewayCheckpoint>;
    if (typeof checkpoint !== 'object' || checkpoint === null || checkpoint.format !== CHECKPOINT_FORMAT) {
      throw damaged(
        this.path,
        `format ${String(checkpoint?.format)} is not the format ${CHECKPOINT_FORMAT} this gateway reads`,
      );
    }
    if (!checkpoint.aggregate || !Array.isArray(checkpoint.aggregate.histograms)) {
      throw damaged(this.path, 'it holds no aggregate');
    }
    return checkpoint as GatewayCheckpoint;
  }

  /** Writes are queued: checkpoints reach the file in the order they were saved, never interleaved. */
  save(checkpoint: GatewayCheckpoint): Promise<void> {
    const body = JSON.stringify(checkpoint);
    const write = this.writing.then(() => writeCheckpointFile(this.path, body));
    this.writing = write.catch(() => undefined);
    return write;
  }
}
