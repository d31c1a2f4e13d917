import type { Labels } from './cumulative-store.js';

/**
 * The cumulative aggregate as plain JSON, start times included: a replica restarted from it
 * continues every counter and histogram where it stopped, so Prometheus sees no reset. Exemplars
 * are not kept (they only describe the current flush interval).
 */
export interface AggregateCheckpoint {
  histograms: Array<[string, HistogramSeriesState]>;
  windows: Array<[string, WindowSeriesState]>;
}

interface SeriesStateCommon {
  labels: Labels;
  /** Decimal nanoseconds. */
  startTimeUnixNano: string;
  lastUpdateMs: number;
  announced: boolean;
  updates: number;
  exportedUpdates: number;
}

export interface HistogramSeriesState extends SeriesStateCommon {
  bucketCounts: number[];
  count: number;
  sum: number;
  min?: number;
  max?: number;
}

export interface WindowSeriesState extends SeriesStateCommon {
  /** WindowFamily.name. */
  family: string;
  highLabels: Labels[];
  active: number;
  high: number[];
}
