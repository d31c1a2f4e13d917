import { NONE, appended } from '../../otlp/empty-list.js';
import { KeyedRows, grownColumn } from '../common/keyed-rows.js';
import { duplicateIntervals, zeroWidthAfter } from './commit-repeats.js';
import { MAX_SLOT_LENGTH } from '../common/key-index.js';
import type { SessionCommit, SessionCommitResult, StateStoreOptions } from './state-store.js';

/** Stage labels a row has room for at first; doubles (re-laying out every row) when exceeded. */
const INITIAL_STAGES = 8;

type TableOptions = Pick<
  StateStoreOptions,
  | 'thresholds'
  | 'overThresholdMinSamples'
  | 'maxTrackedSessions'
  | 'maxZeroWidthStreams'
  | 'dedupWindowMs'
  | 'maxSessionKeyLength'
>;

/**
 * What the in-memory store remembers per session (Redis keeps the same in a hash), in columns: one
 * row of typed arrays per tracked session (KeyedRows), in least-recently-seen order. A session used
 * to be about seven heap objects (its progress object, a bigint watermark, a boxed timestamp, three
 * arrays and its key); every major GC marked all of them, ~1.4M for a full store, and that marking
 * was the gateway's p99 tail. Now a session is no heap object: its key is a byte slot of KeyedRows'
 * KeyIndex.
 *
 * Per row: the watermark (latest accepted interval end, ns; 0 = none: validated points start > 0),
 * when the session was last seen, whether it was counted, and samples above each threshold, in
 * total and per stage label (stage labels are bounded by the allow-list, numbered as first seen).
 * Sample totals saturate at overThresholdMinSamples: only reaching it matters.
 */
export class SessionTable {
  private readonly rows: KeyedRows<string>;
  private readonly stageIds = new Map<string, number>();
  private readonly thresholdCount: number;
  private stageCapacity = INITIAL_STAGES;
  private watermark = new BigUint64Array(0);
  private lastSeenMs = new Float64Array(0);
  private seen = new Uint8Array(0);
  private samplesAbove = new Uint32Array(0);
  private stageSeen = new Uint8Array(0);
  private stageSamplesAbove = new Uint32Array(0);
  /**
   * Per row, the streams whose zero-width interval at the row's watermark was counted (see
   * duplicateIntervals). Few sessions ever have one (the watchdog's shutdown export), so a side Map,
   * not a column.
   */
  private readonly zeroWidth = new Map<number, readonly string[]>();

  constructor(private readonly options: TableOptions) {
    this.thresholdCount = options.thresholds.length;
    this.rows = new KeyedRows(
      options.maxTrackedSessions,
      options.maxSessionKeyLength ?? MAX_SLOT_LENGTH,
      (rows) => this.growRows(rows),
    );
  }

  get size(): number {
    return this.rows.size;
  }

  /**
   * Atomically (it is synchronous) for one session: marks replayed and repeated intervals as
   * duplicates, advances the watermark, adds progress, and reports the session facts that became
   * true now. A session idle for longer than dedupWindowMs starts over.
   */
  commit(commit: SessionCommit, nowMs: number): SessionCommitResult {
    const hash = this.rows.hashOf(commit.sessionId);
    let row = this.rows.get(commit.sessionId, hash);
    if (row === undefined) {
      row = this.rows.add(commit.sessionId, hash);
      this.clearRow(row);
    } else {
      this.rows.touch(row);
      if (this.lastSeenMs[row]! < nowMs - this.options.dedupWindowMs) this.clearRow(row);
    }
    const result = this.apply(row, commit);
    this.lastSeenMs[row] = nowMs;
    return result;
  }

  /**
   * Forgets up to `max` sessions not seen since `cutoffMs`, oldest first; returns how many. Bounded,
   * so that a fleet that went quiet at once is forgotten over a few runs, not in one event-loop turn.
   */
  forgetIdle(cutoffMs: number, max: number): number {
    let forgotten = 0;
    for (const row of this.rows.rowsOldestFirst()) {
      // LRU order: the rest is newer.
      if (this.lastSeenMs[row]! >= cutoffMs || forgotten >= max) break;
      this.rows.release(row);
      this.zeroWidth.delete(row);
      forgotten++;
    }
    return forgotten;
  }

  private apply(row: number, commit: SessionCommit): SessionCommitResult {
    const watermarkBefore = this.watermark[row] || undefined;
    const zeroWidthBefore = this.zeroWidth.get(row) ?? NONE;
    const result: SessionCommitResult = {
      duplicate: duplicateIntervals(
        commit,
        watermarkBefore,
        zeroWidthBefore,
        this.options.maxZeroWidthStreams,
      ),
      newlySeen: false,
      newStages: NONE,
      newOverThresholds: NONE,
      newStageOverThresholds: NONE,
    };
    const { thresholds, overThresholdMinSamples: min } = this.options;
    const t0 = row * this.thresholdCount;
    const { times, stages, samplesAbove } = commit;
    let watermark = this.watermark[row]!;
    for (let i = 0; i < times.length; i++) {
      if (result.duplicate[i]) continue;
      const end = times[i]!.timeUnixNano;
      if (end > watermark) watermark = end;
      const stageLabel = stages[i]!;
      if (this.seen[row] === 0) {
        this.seen[row] = 1;
        result.newlySeen = true;
      }
      const stage = this.stageId(stageLabel); // first: it may re-lay out the rows
      const stageRow = row * this.stageCapacity + stage;
      if (this.stageSeen[stageRow] === 0) {
        this.stageSeen[stageRow] = 1;
        result.newStages = appended(result.newStages, stageLabel);
      }
      for (let t = 0; t < this.thresholdCount; t++) {
        const above = samplesAbove[i * this.thresholdCount + t] ?? 0;
        // Nothing can cross without samples above: most samples of most sessions stop here.
        if (above <= 0) continue;
        const threshold = thresholds[t]!;
        if (crossesNow(this.samplesAbove, t0 + t, above, min)) {
          result.newOverThresholds = appended(result.newOverThresholds, threshold);
        }
        if (crossesNow(this.stageSamplesAbove, stageRow * this.thresholdCount + t, above, min)) {
          const crossed = { stage: stageLabel, threshold };
          result.newStageOverThresholds = appended(result.newStageOverThresholds, crossed);
        }
      }
    }
    this.watermark[row] = watermark;
    const zeroWidth = zeroWidthAfter(
      commit,
      result.duplicate,
      watermarkBefore,
      zeroWidthBefore,
      watermark,
      this.options.maxZeroWidthStreams,
    );
    if (zeroWidth === zeroWidthBefore) return result;
    if (zeroWidth.length > 0) this.zeroWidth.set(row, zeroWidth);
    else this.zeroWidth.delete(row);
    return result;
  }

  private clearRow(row: number): void {
    this.watermark[row] = 0n;
    this.zeroWidth.delete(row);
    this.seen[row] = 0;
    this.samplesAbove.fill(0, row * this.thresholdCount, (row + 1) * this.thresholdCount);
    const stages = row * this.stageCapacity;
    this.stageSeen.fill(0, stages, stages + this.stageCapacity);
    this.stageSamplesAbove.fill(
      0,
      stages * this.thresholdCount,
      (stages + this.stageCapacity) * this.thresholdCount,
    );
  }

  private growRows(rows: number): void {
    this.watermark = grownColumn(this.watermark, rows);
    this.lastSeenMs = grownColumn(this.lastSeenMs, rows);
    this.seen = grownColumn(this.seen, rows);
    this.samplesAbove = grownColumn(this.samplesAbove, rows * this.thresholdCount);
    this.stageSeen = grownColumn(this.stageSeen, rows * this.stageCapacity);
    this.stageSamplesAbove = grownColumn(
      this.stageSamplesAbove,
      rows * this.stageCapacity * this.thresholdCount,
    );
  }

  /** The stage label's number; a label beyond the rows' room for stages doubles that room. */
  private stageId(stage: string): number {
    let id = this.stageIds.get(stage);
    if (id === undefined) {
      id = this.stageIds.size;
      this.stageIds.set(stage, id);
      if (id >= this.stageCapacity) this.growStages(this.stageCapacity * 2);
    }
    return id;
  }

  private growStages(capacity: number): void {
    const rows = this.rows.capacity;
    const thresholds = this.thresholdCount;
    const seen = new Uint8Array(rows * capacity);
    const above = new Uint32Array(rows * capacity * thresholds);
    for (let row = 0; row < rows; row++) {
      seen.set(
        this.stageSeen.subarray(row * this.stageCapacity, (row + 1) * this.stageCapacity),
        row * capacity,
      );
      above.set(
        this.stageSamplesAbove.subarray(
          row * this.stageCapacity * thresholds,
          (row + 1) * this.stageCapacity * thresholds,
        ),
        row * capacity * thresholds,
      );
    }
    this.stageSeen = seen;
    this.stageSamplesAbove = above;
    this.stageCapacity = capacity;
  }
}

/**
 * Adds `add` samples to totals[index], saturating at `minSamples`; true when the total reaches it
 * now. Totals only grow, so "already counted" is simply "was already at the minimum before".
 */
function crossesNow(totals: Uint32Array, index: number, add: number, minSamples: number): boolean {
  const before = totals[index]!;
  if (before >= minSamples) return false;
  totals[index] = Math.min(before + add, minSamples);
  return before + add >= minSamples;
}
