import { isHot, windowOf } from '../../model/index.js';
import { duplicateIntervals, zeroWidthAfter } from './commit-repeats.js';
import {
  addPoint,
  closedWindow,
  copyWindow,
  openWindow,
  windowCloseMs,
  type OpenWindow,
} from './open-window.js';
import type {
  ClosedWindow,
  SessionCommit,
  SessionCommitResult,
  SessionPoint,
  StateStoreOptions,
} from './state-store.js';

// One session's state as a value, and the one implementation of the session logic of the metric
// model (§2, src/model/episodes.ts) that both stores apply: pure and synchronous, so the in-memory
// store applies it in place and the Redis store applies it between a read and a compare-and-set.

/** A stream's run at its latest point with samples; a point of the stream starting at `end` continues it. */
export interface StreamRun {
  stream: string;
  /** Decimal nanoseconds. */
  end: string;
  /** Per threshold: samples above T of the run that ends at `end` (0: that point was not hot at T). */
  totals: number[];
}

/** Everything stored per session; plain JSON (nanoseconds as decimal strings). */
export interface SessionRecord {
  labels: SessionCommit['labels'];
  lastSeenMs: number;
  /** Latest accepted point end (decimal ns); absent before the first accepted point. */
  watermark?: string;
  /** Streams whose zero-width point at `watermark` was accepted (see duplicateIntervals). */
  zeroWidth: string[];
  /** Only runs that can still continue: ending at the watermark or later, and hot at some T. */
  runs: StreamRun[];
  open?: OpenWindow;
  /** The latest window this session closed: its points are late from then on. */
  closedThrough?: number;
}

export type RecordOptions = Pick<
  StateStoreOptions,
  'thresholds' | 'episodeMinSamples' | 'windowMs' | 'windowGraceMs' | 'maxZeroWidthStreams' | 'dedupWindowMs'
>;

export interface RecordCommit {
  record: SessionRecord;
  result: SessionCommitResult;
}

/** Throws a clear error for settings the session logic cannot work with. */
export function checkRecordOptions(options: RecordOptions): void {
  if (!Number.isInteger(options.episodeMinSamples) || options.episodeMinSamples < 1) {
    throw new Error(`sessions.episodeMinSamples must be an integer >= 1, got ${options.episodeMinSamples}`);
  }
  if (!Number.isInteger(options.windowMs) || options.windowMs < 1) {
    throw new Error(
      `sessions.windowSeconds must give a positive whole number of ms, got ${options.windowMs} ms`,
    );
  }
  if (!Number.isFinite(options.windowGraceMs) || options.windowGraceMs < 0) {
    throw new Error(`sessions.windowGraceSeconds must be >= 0, got ${options.windowGraceMs} ms`);
  }
}

/**
 * One session's commit, decided at once: a record idle beyond dedupWindowMs starts over (its open
 * window closes); duplicates by the watermark rule; labels fixed at first admission; then the
 * accepted points with samples in (start, end) order extend their stream's run and fill the open
 * window, a point of a later window closing it first. `prev` is not changed.
 */
export function commitRecord(
  prev: SessionRecord | undefined,
  commit: SessionCommit,
  options: RecordOptions,
  nowMs: number,
): RecordCommit {
  const closed: ClosedWindow[] = [];
  if (prev && prev.lastSeenMs < nowMs - options.dedupWindowMs) {
    if (prev.open) closed.push(closedWindow(prev.open, prev.labels));
    prev = undefined;
  }
  const watermarkBefore = prev?.watermark === undefined ? undefined : BigInt(prev.watermark);
  const zeroWidthBefore = prev?.zeroWidth ?? [];
  const { points } = commit;
  const max = options.maxZeroWidthStreams;
  const duplicate = duplicateIntervals(points, watermarkBefore, zeroWidthBefore, max);
  let watermark = watermarkBefore;
  for (let i = 0; i < points.length; i++) {
    const end = points[i]!.timeUnixNano;
    if (!duplicate[i] && (watermark === undefined || end > watermark)) watermark = end;
  }
  const labels = prev?.labels ?? { ...commit.labels };
  const state = new SessionWindows(prev, options);
  const accepted = points.filter((p, i) => !duplicate[i] && p.samples > 0).sort(byTimes);
  for (const point of accepted) {
    const window = state.add(point);
    if (window) closed.push(closedWindow(window, labels));
  }
  const record: SessionRecord = {
    labels,
    lastSeenMs: Math.max(nowMs, prev?.lastSeenMs ?? nowMs),
    zeroWidth:
      watermark === undefined
        ? []
        : [...zeroWidthAfter(points, duplicate, watermarkBefore, zeroWidthBefore, watermark, max)],
    runs: state.continuableRuns(watermark),
  };
  if (watermark !== undefined) record.watermark = watermark.toString();
  if (state.open) record.open = state.open;
  if (state.closedThrough !== undefined) record.closedThrough = state.closedThrough;
  const result = { duplicate, labels: { ...labels }, newSession: !prev, closed, latePoints: state.late };
  return { record, result };
}

/** The record with its open window closed when end + grace <= nowMs (and that window), else as it was. */
export function closeIfDue(
  record: SessionRecord,
  nowMs: number,
  options: Pick<RecordOptions, 'windowMs' | 'windowGraceMs'>,
): { record: SessionRecord; closed?: ClosedWindow } {
  const due = openWindowCloseMs(record, options);
  if (due === undefined || due > nowMs) return { record };
  return closeOpenWindow(record);
}

/** The record with its open window closed now, whatever the clock (eviction, expiry). */
export function closeOpenWindow(record: SessionRecord): { record: SessionRecord; closed?: ClosedWindow } {
  const { open, ...rest } = record;
  if (!open) return { record };
  const closedThrough = Math.max(open.window, record.closedThrough ?? open.window);
  return {
    record: { ...rest, closedThrough },
    closed: closedWindow(open, record.labels),
  };
}

/** When the clock closes the record's open window (ms), if it has one. */
export function openWindowCloseMs(
  record: SessionRecord,
  options: Pick<RecordOptions, 'windowMs' | 'windowGraceMs'>,
): number | undefined {
  return record.open && windowCloseMs(record.open.window, options.windowMs, options.windowGraceMs);
}

/** A StreamRun while a commit extends it: its end as a bigint, formatted once when stored. */
interface LiveRun {
  stream: string;
  end: bigint;
  totals: number[];
}

/** The runs and the open window of one commit as they change point by point. */
class SessionWindows {
  open: OpenWindow | undefined;
  closedThrough: number | undefined;
  late = 0;
  private readonly runs = new Map<string, LiveRun>();
  private readonly windowNanos: bigint;

  constructor(
    prev: SessionRecord | undefined,
    private readonly options: RecordOptions,
  ) {
    this.open = prev?.open && copyWindow(prev.open);
    this.closedThrough = prev?.closedThrough;
    for (const run of prev?.runs ?? []) {
      this.runs.set(run.stream, { stream: run.stream, end: BigInt(run.end), totals: run.totals });
    }
    this.windowNanos = BigInt(options.windowMs) * 1_000_000n;
  }

  /** Adds a point with samples (in time order); returns the open window it closed, if any. */
  add(point: SessionPoint): OpenWindow | undefined {
    const high = this.extendRun(point);
    const window = windowOf(point.startTimeUnixNano, this.windowNanos);
    if (this.closedThrough !== undefined && window <= this.closedThrough) {
      this.late++;
      return undefined;
    }
    let closed: OpenWindow | undefined;
    if (this.open && window > this.open.window) {
      closed = this.open;
      this.closedThrough = closed.window;
      this.open = undefined;
    }
    this.open ??= openWindow(window, this.options.thresholds.length);
    addPoint(this.open, point, high);
    return closed;
  }

  /** Runs that a later accepted point (it starts at `watermark` or later) can still continue. */
  continuableRuns(watermark: bigint | undefined): StreamRun[] {
    const runs: StreamRun[] = [];
    for (const run of this.runs.values()) {
      if ((watermark === undefined || run.end >= watermark) && run.totals.some((n) => n > 0)) {
        runs.push({ stream: run.stream, end: run.end.toString(), totals: run.totals });
      }
    }
    return runs;
  }

  /** The point's run per threshold, and whether it is high there (its run has reached episodeMinSamples). */
  private extendRun(point: SessionPoint): boolean[] {
    const previous = this.runs.get(point.stream);
    const continues = previous !== undefined && previous.end === point.startTimeUnixNano;
    const thresholds = this.options.thresholds.length;
    const totals = new Array<number>(thresholds);
    const high = new Array<boolean>(thresholds);
    for (let t = 0; t < thresholds; t++) {
      const above = point.above[t] ?? 0;
      const total = isHot(point.samples, above) ? (continues ? previous.totals[t]! : 0) + above : 0;
      totals[t] = total;
      high[t] = total >= this.options.episodeMinSamples;
    }
    // A new run object: `previous` may be the stored record's (records are values).
    this.runs.set(point.stream, { stream: point.stream, end: point.timeUnixNano, totals });
    return high;
  }
}

/** (start, end) order: the order of src/model's sessionWindows. */
function byTimes(a: SessionPoint, b: SessionPoint): number {
  if (a.startTimeUnixNano !== b.startTimeUnixNano) return a.startTimeUnixNano < b.startTimeUnixNano ? -1 : 1;
  return a.timeUnixNano === b.timeUnixNano ? 0 : a.timeUnixNano < b.timeUnixNano ? -1 : 1;
}
