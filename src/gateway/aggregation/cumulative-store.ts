import { CPU_BUCKETS, LABEL, WINDOW_FAMILIES, type WindowFamily } from '../../model/index.js';
import type { AggregateCheckpoint } from './aggregate-checkpoint.js';
import type { ExemplarCandidate } from './session-exemplar.js';
import { higherCandidate } from './session-exemplar.js';

export type Labels = Readonly<Record<string, string>>;

export interface HistogramSeries {
  labels: Labels;
  startTimeUnixNano: bigint;
  bucketCounts: number[];
  count: number;
  sum: number;
  min: number | undefined;
  max: number | undefined;
  lastUpdateMs: number;
  /** Highest sample of the current flush interval; cleared once exported. */
  exemplar: ExemplarCandidate | undefined;
  /** False until a zero-valued first point of this series was exported (see CumulativeStore). */
  announced: boolean;
  /** Deltas added so far, and how many of them a successful export carried (see expireIdle). */
  updates: number;
  exportedUpdates: number;
}

/**
 * One label set of a window family: its `active` counter and one `high` counter per threshold, one
 * series object so that they are created (at zero), exported (same timestamps) and expired together.
 */
export interface WindowSeries {
  family: WindowFamily;
  /** Labels of the active counter; a high counter has them plus `threshold`. */
  labels: Labels;
  /** Labels of each high counter, in threshold order. */
  highLabels: readonly Labels[];
  startTimeUnixNano: bigint;
  active: number;
  high: number[];
  lastUpdateMs: number;
  announced: boolean;
  updates: number;
  exportedUpdates: number;
}

/** What expiry and export bookkeeping need of either kind of series. */
interface SeriesProgress {
  lastUpdateMs: number;
  updates: number;
  exportedUpdates: number;
}

export interface HistogramDelta {
  readonly bucketCounts: readonly number[];
  readonly count: number;
  /** Absent in OTLP when not recorded; adds 0. */
  readonly sum: number | undefined;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

/** Histogram totals that deltas are added into (a series, or a delta merging several points). */
export interface HistogramTotals {
  bucketCounts: number[];
  count: number;
  sum: number;
  min: number | undefined;
  max: number | undefined;
}

/** Adds `delta` to `totals`: bucket by bucket, count and sum, and the extremes. */
export function addDelta(totals: HistogramTotals, delta: HistogramDelta): void {
  for (let i = 0; i < delta.bucketCounts.length; i++) {
    totals.bucketCounts[i] = (totals.bucketCounts[i] ?? 0) + (delta.bucketCounts[i] as number);
  }
  totals.count += delta.count;
  totals.sum += delta.sum ?? 0;
  if (delta.min !== undefined)
    totals.min = totals.min === undefined ? delta.min : Math.min(totals.min, delta.min);
  if (delta.max !== undefined)
    totals.max = totals.max === undefined ? delta.max : Math.max(totals.max, delta.max);
}

/** A consistent copy of everything to export, plus which exemplars it carried. */
export interface AggregateSnapshot {
  histograms: Array<Omit<HistogramSeries, 'bucketCounts'> & { bucketCounts: number[] }>;
  windows: WindowSeries[];
  /** Series this snapshot exports at zero, to be marked announced once the export succeeded. */
  announcing: Array<{ announced: boolean }>;
  /** Series this snapshot exports with their totals, and how many deltas those totals include. */
  carrying: Array<{ series: SeriesProgress; updates: number }>;
}

const NS_PER_MS = 1_000_000n;

function nowNanos(nowMs: number): bigint {
  return BigInt(Math.floor(nowMs)) * NS_PER_MS;
}

/**
 * Cumulative aggregates keyed by (metric, bounded label set). Memory is bounded by the series
 * budget (plus the overflow series, which overflowPrometheusSeries reserves); series idle for
 * seriesIdleTimeoutMs are dropped.
 * Start time = creation of the series in this process, so a restart is a visible counter reset.
 *
 * A new series is first exported with all values at zero and only from the next flush on with its
 * totals. Prometheus' increase()/rate() can only count growth it has seen between samples: without
 * the zero, whatever a series held in its first sample (one flush of sessions) would never be counted.
 */
export class CumulativeStore {
  private readonly histograms = new Map<string, HistogramSeries>();
  private readonly windows = new Map<string, WindowSeries>();

  /** Label sets held (a window family's label set is one, whatever its thresholds). */
  get seriesCount(): number {
    return this.histograms.size + this.windows.size;
  }

  addHistogram(
    key: string,
    labels: Labels,
    delta: HistogramDelta,
    exemplar: ExemplarCandidate | undefined,
    nowMs: number,
  ): void {
    let series = this.histograms.get(key);
    if (!series) {
      series = {
        labels,
        startTimeUnixNano: nowNanos(nowMs),
        bucketCounts: new Array<number>(CPU_BUCKETS.length + 1).fill(0),
        count: 0,
        sum: 0,
        min: undefined,
        max: undefined,
        lastUpdateMs: nowMs,
        exemplar: undefined,
        announced: false,
        updates: 0,
        exportedUpdates: 0,
      };
      this.histograms.set(key, series);
    }
    addDelta(series, delta);
    series.exemplar = higherCandidate(series.exemplar, exemplar);
    series.lastUpdateMs = nowMs;
    series.updates++;
  }

  /**
   * Counts one closed session window in the family label set `key`: active + 1, and high[t] + 1 at
   * each threshold t where `high[t]`. A new label set starts with every counter at zero.
   */
  addWindow(
    family: WindowFamily,
    key: string,
    labels: Labels,
    thresholds: readonly string[],
    high: readonly boolean[],
    nowMs: number,
  ): void {
    let series = this.windows.get(key);
    if (!series) {
      series = {
        family,
        labels,
        highLabels: thresholds.map((threshold) => ({ ...labels, [LABEL.threshold]: threshold })),
        startTimeUnixNano: nowNanos(nowMs),
        active: 0,
        high: new Array<number>(thresholds.length).fill(0),
        lastUpdateMs: nowMs,
        announced: false,
        updates: 0,
        exportedUpdates: 0,
      };
      this.windows.set(key, series);
    }
    series.active++;
    for (let t = 0; t < series.high.length; t++) if (high[t]) series.high[t]!++;
    series.lastUpdateMs = nowMs;
    series.updates++;
  }

  /**
   * Drops series idle for idleTimeoutMs whose every delta was exported. One still holding unexported
   * deltas (the collector has been down longer than the idle timeout) stays until an export carries
   * them: dropping it would lose acknowledged data. Memory stays bounded by the series budget.
   */
  expireIdle(nowMs: number, idleTimeoutMs: number): number {
    const cutoff = nowMs - idleTimeoutMs;
    let expired = 0;
    for (const map of [this.histograms, this.windows] as Array<Map<string, SeriesProgress>>) {
      for (const [key, series] of map) {
        if (series.lastUpdateMs < cutoff && series.exportedUpdates === series.updates) {
          map.delete(key);
          expired++;
        }
      }
    }
    return expired;
  }

  /** A copy of every series with its start time and export progress (see AggregateCheckpoint). */
  checkpoint(): AggregateCheckpoint {
    return {
      histograms: [...this.histograms].map(([key, s]) => [
        key,
        {
          labels: s.labels,
          startTimeUnixNano: s.startTimeUnixNano.toString(),
          lastUpdateMs: s.lastUpdateMs,
          announced: s.announced,
          updates: s.updates,
          exportedUpdates: s.exportedUpdates,
          bucketCounts: [...s.bucketCounts],
          count: s.count,
          sum: s.sum,
          ...(s.min === undefined ? {} : { min: s.min }),
          ...(s.max === undefined ? {} : { max: s.max }),
        },
      ]),
      windows: [...this.windows].map(([key, s]) => [
        key,
        {
          family: s.family.name,
          labels: s.labels,
          highLabels: [...s.highLabels],
          startTimeUnixNano: s.startTimeUnixNano.toString(),
          lastUpdateMs: s.lastUpdateMs,
          announced: s.announced,
          updates: s.updates,
          exportedUpdates: s.exportedUpdates,
          active: s.active,
          high: [...s.high],
        },
      ]),
    };
  }

  /** Replaces every series by a checkpoint's (at start, before anything is aggregated). */
  restore(checkpoint: AggregateCheckpoint): void {
    this.histograms.clear();
    this.windows.clear();
    for (const [key, s] of checkpoint.histograms) {
      this.histograms.set(key, {
        ...s,
        bucketCounts: [...s.bucketCounts],
        min: s.min,
        max: s.max,
        startTimeUnixNano: BigInt(s.startTimeUnixNano),
        exemplar: undefined,
      });
    }
    for (const [key, s] of checkpoint.windows) {
      const family = WINDOW_FAMILIES.find((f) => f.name === s.family);
      if (!family) throw new Error(`checkpoint names an unknown window family "${s.family}"`);
      this.windows.set(key, {
        ...s,
        family,
        high: [...s.high],
        startTimeUnixNano: BigInt(s.startTimeUnixNano),
      });
    }
  }

  snapshot(): AggregateSnapshot {
    const announcing: Array<{ announced: boolean }> = [];
    const carrying: AggregateSnapshot['carrying'] = [];
    const histograms = [...this.histograms.values()].map((s) => {
      if (s.announced) {
        carrying.push({ series: s, updates: s.updates });
        return { ...s, bucketCounts: [...s.bucketCounts] };
      }
      announcing.push(s);
      const zero = new Array<number>(s.bucketCounts.length).fill(0);
      return {
        ...s,
        bucketCounts: zero,
        count: 0,
        sum: 0,
        min: undefined,
        max: undefined,
        exemplar: undefined,
      };
    });
    const windows = [...this.windows.values()].map((s) => {
      if (s.announced) {
        carrying.push({ series: s, updates: s.updates });
        return { ...s, high: [...s.high] };
      }
      announcing.push(s);
      return { ...s, active: 0, high: new Array<number>(s.high.length).fill(0) };
    });
    return { histograms, windows, announcing, carrying };
  }

  /**
   * After a successful export: the series it announced at zero now export their totals, and a new
   * exemplar interval starts (unless a higher sample arrived meanwhile).
   */
  markExported(snapshot: AggregateSnapshot): void {
    for (const series of snapshot.announcing) series.announced = true;
    for (const { series, updates } of snapshot.carrying) {
      series.exportedUpdates = Math.max(series.exportedUpdates, updates);
    }
    const exported = new Set(snapshot.histograms.map((h) => h.exemplar).filter((e) => e !== undefined));
    for (const series of this.histograms.values()) {
      if (series.exemplar && exported.has(series.exemplar)) series.exemplar = undefined;
    }
  }
}
