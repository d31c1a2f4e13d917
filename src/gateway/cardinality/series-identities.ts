import { seriesKey } from './series-key.js';

/** A forwarded label set of one metric: its series key and its labels, built once and shared. */
export interface SeriesIdentity {
  key: string;
  labels: Readonly<Record<string, string>>;
}

/** Builds the labels object of one metric from its label values, in the metric's own order. */
export type LabelsBuilder = (
  a: string,
  b: string,
  c: string,
  d: string,
  e: string,
) => Readonly<Record<string, string>>;

// Which labels exist is fixed per metric, so '' can stand for an absent label without ambiguity.
type Level<T> = Map<string, T>;

/**
 * Interns series identities by metric and up to five label values, all already bounded. Every
 * point of a series used to rebuild its key (sort, JSON.stringify, join) and its labels object;
 * now that happens once per label set. The values are bounded, so the cache is as small as the
 * set of forwarded label sets; `clear()` (on housekeeping) drops sets no longer in use, e.g. of
 * versions that left the active set. Nested maps instead of a joined string key, so that no label
 * value can collide with another through a separator.
 */
export class SeriesIdentities {
  private readonly byMetric: Level<Level<Level<Level<Level<Level<SeriesIdentity>>>>>> = new Map();

  /**
   * The identity of `metric` with these label values; `build` makes the labels object on a miss
   * (its property order is the order the labels are exported in). A module-level builder rather
   * than a closure, so that a hit allocates nothing.
   */
  get(metric: string, build: LabelsBuilder, a: string, b: string, c = '', d = '', e = ''): SeriesIdentity {
    const last = level(level(level(level(level(this.byMetric, metric), a), b), c), d);
    let identity = last.get(e);
    if (identity === undefined) {
      const labels = build(a, b, c, d, e);
      identity = { key: seriesKey(metric, labels), labels };
      last.set(e, identity);
    }
    return identity;
  }

  clear(): void {
    this.byMetric.clear();
  }
}

function level<T>(map: Map<string, Map<string, T>>, value: string): Map<string, T> {
  let next = map.get(value);
  if (next === undefined) {
    next = new Map();
    map.set(value, next);
  }
  return next;
}
