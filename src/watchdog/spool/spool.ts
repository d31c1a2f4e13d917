// The spool is the ordered queue between the exporter (producer) and the sender (single consumer).
// Order is the gateway's dedup contract (docs/metrics.md §1): entries leave strictly oldest-first.

export interface SpoolEntry {
  /** Monotonic sequence number; order of delivery. */
  readonly seq: number;
  readonly createdAtMs: number;
  readonly bytes: number;
}

export type DropReason = 'max-bytes' | 'max-age' | 'consent-refused';

export interface SpoolStats {
  /** Entries dropped unsent (bounds or refused consent), by count and bytes. */
  dropped: number;
  droppedBytes: number;
  droppedByReason: Record<DropReason, number>;
  /** Entries the gateway refused permanently (moved to the dead-letter store). */
  deadLettered: number;
  appended: number;
  delivered: number;
}

export interface SpoolBounds {
  /** Total payload bytes kept; the oldest entries are dropped beyond it. */
  maxBytes: number;
  /** Entries older than this are dropped unsent. */
  maxAgeMs: number;
}

export interface Spool {
  /**
   * Appends one serialized export request. Resolves once it is durable (disk) or queued (memory).
   * `tag` (letters and digits) names the batch so that hasTag() can tell, after a crash, whether it
   * reached the spool (the sample journal's recovery); the memory spool ignores it.
   */
  append(payload: Uint8Array, tag?: string): Promise<void>;
  /** Whether an entry with this tag was found on open or appended since (delivered ones excluded). */
  hasTag(tag: string): boolean;
  /** The oldest entry still to send, after dropping entries beyond the bounds. */
  oldest(nowMs?: number): SpoolEntry | undefined;
  read(entry: SpoolEntry): Promise<Uint8Array>;
  /** Delivered: forget the entry. */
  remove(entry: SpoolEntry): Promise<void>;
  /** Permanently refused: keep it aside for support, out of the queue. */
  deadLetter(entry: SpoolEntry, reason: string): Promise<void>;
  /** Drops every entry with seq <= lastSeq (used when replay consent is refused). */
  discardThrough(lastSeq: number, reason: DropReason): Promise<void>;
  /** Entries currently queued: count, bytes, last seq. */
  backlog(): { entries: number; bytes: number; lastSeq: number | undefined };
  readonly stats: SpoolStats;
}

export function emptySpoolStats(): SpoolStats {
  return {
    dropped: 0,
    droppedBytes: 0,
    droppedByReason: { 'max-bytes': 0, 'max-age': 0, 'consent-refused': 0 },
    deadLettered: 0,
    appended: 0,
    delivered: 0,
  };
}

/**
 * Shared bookkeeping of both spools: an ordered index of entries plus bounds enforcement. Subclasses
 * only store and delete payloads.
 */
export abstract class IndexedSpool implements Spool {
  protected readonly entries: SpoolEntry[] = [];
  protected totalBytes = 0;
  protected nextSeq = 1;
  readonly stats = emptySpoolStats();

  constructor(
    protected readonly bounds: SpoolBounds,
    private readonly onDrop: (entry: SpoolEntry, reason: DropReason) => void = () => {},
  ) {}

  abstract append(payload: Uint8Array, tag?: string): Promise<void>;
  abstract hasTag(tag: string): boolean;
  abstract read(entry: SpoolEntry): Promise<Uint8Array>;
  protected abstract deletePayload(entry: SpoolEntry): Promise<void>;
  protected abstract storeDeadLetter(entry: SpoolEntry, reason: string): Promise<void>;

  oldest(nowMs = Date.now()): SpoolEntry | undefined {
    this.enforceBounds(nowMs);
    return this.entries[0];
  }

  async remove(entry: SpoolEntry): Promise<void> {
    if (!this.unindex(entry)) return;
    this.stats.delivered += 1;
    await this.deletePayload(entry);
  }

  async deadLetter(entry: SpoolEntry, reason: string): Promise<void> {
    if (!this.unindex(entry)) return;
    this.stats.deadLettered += 1;
    await this.storeDeadLetter(entry, reason);
  }

  async discardThrough(lastSeq: number, reason: DropReason): Promise<void> {
    while (this.entries[0] && this.entries[0].seq <= lastSeq) await this.drop(this.entries[0], reason);
  }

  backlog(): { entries: number; bytes: number; lastSeq: number | undefined } {
    return { entries: this.entries.length, bytes: this.totalBytes, lastSeq: this.entries.at(-1)?.seq };
  }

  protected index(entry: SpoolEntry): void {
    this.entries.push(entry);
    this.totalBytes += entry.bytes;
    this.nextSeq = Math.max(this.nextSeq, entry.seq + 1);
    this.enforceBounds(Date.now());
  }

  /** Oldest first: the newest data is the most useful after an outage. */
  protected enforceBounds(nowMs: number): void {
    const oldestAllowed = nowMs - this.bounds.maxAgeMs;
    for (let head = this.entries[0]; head; head = this.entries[0]) {
      if (this.totalBytes > this.bounds.maxBytes) void this.drop(head, 'max-bytes');
      else if (head.createdAtMs < oldestAllowed) void this.drop(head, 'max-age');
      else break;
    }
  }

  private async drop(entry: SpoolEntry, reason: DropReason): Promise<void> {
    if (!this.unindex(entry)) return;
    this.stats.dropped += 1;
    this.stats.droppedBytes += entry.bytes;
    this.stats.droppedByReason[reason] += 1;
    this.onDrop(entry, reason);
    try {
      await this.deletePayload(entry);
    } catch {
      // Already gone, or unreadable dir: the index no longer references it either way.
    }
  }

  private unindex(entry: SpoolEntry): boolean {
    const at = this.entries.findIndex((e) => e.seq === entry.seq);
    if (at < 0) return false;
    this.entries.splice(at, 1);
    this.totalBytes -= entry.bytes;
    return true;
  }
}
