// The in-memory spool (spoolDir: false): same ordering and bounds as the disk spool, no persistence.
// Used by the fleet simulator, which runs thousands of sessions in one process.
import { IndexedSpool, type DropReason, type SpoolBounds, type SpoolEntry } from './spool.js';

export class MemorySpool extends IndexedSpool {
  private readonly payloads = new Map<number, Uint8Array>();

  constructor(bounds: SpoolBounds, onDrop?: (entry: SpoolEntry, reason: DropReason) => void) {
    super(bounds, onDrop);
  }

  append(payload: Uint8Array): Promise<void> {
    const entry: SpoolEntry = { seq: this.nextSeq++, createdAtMs: Date.now(), bytes: payload.byteLength };
    this.payloads.set(entry.seq, payload);
    this.stats.appended += 1;
    this.index(entry);
    return Promise.resolve();
  }

  hasTag(): boolean {
    return false;
  }

  read(entry: SpoolEntry): Promise<Uint8Array> {
    const payload = this.payloads.get(entry.seq);
    return payload ? Promise.resolve(payload) : Promise.reject(new Error(`spool entry ${entry.seq} is gone`));
  }

  protected deletePayload(entry: SpoolEntry): Promise<void> {
    this.payloads.delete(entry.seq);
    return Promise.resolve();
  }

  protected storeDeadLetter(entry: SpoolEntry): Promise<void> {
    // Nowhere durable to keep it: counted in stats and logged by the sender.
    this.payloads.delete(entry.seq);
    return Promise.resolve();
  }
}
