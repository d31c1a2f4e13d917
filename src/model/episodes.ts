// The definition of a high-CPU episode and of a session window (docs/metrics.md §2), written the
// plain way: the reference the gateway's incremental state is tested against, and the simulator's
// ground truth. Everything here is a pure function of the points one session sent, in time order.

/** One DELTA histogram point of a session, reduced to what episodes need. */
export interface EpisodePoint {
  /** The point's raw attribute identity (stage and detail values): its stream within the session. */
  readonly stream: string;
  readonly startTimeUnixNano: bigint;
  readonly timeUnixNano: bigint;
  /** Samples in the point (the histogram's count). */
  readonly samples: number;
  /** Samples above each threshold, in threshold order (from the bucket counts). */
  readonly above: readonly number[];
}

export interface EpisodeSettings {
  /** Samples above T a run of hot points must hold to be an episode (`sessions.episodeMinSamples`). */
  readonly episodeMinSamples: number;
  /** Length of a session window (`sessions.windowSeconds`), in nanoseconds. */
  readonly windowNanos: bigint;
}

/** The window a point belongs to: the fixed wall-clock window in which it starts. */
export function windowOf(startTimeUnixNano: bigint, windowNanos: bigint): number {
  return Number(startTimeUnixNano / windowNanos);
}

/**
 * A point is hot at T when at least half of its samples, and at least one, are above T. A short
 * spike inside a longer interval is not; a stage visit pegged from start to end is.
 */
export function isHot(samples: number, above: number): boolean {
  return above > 0 && above * 2 >= samples;
}

/** What one session did in one window, per stream: it reported there, and at which thresholds it was high. */
export type WindowStreams = Map<string, boolean[]>;

/**
 * Brute force over a whole session: for every window it reported in (a point with samples), each
 * stream it reported in that window and whether an episode was sustained there at each threshold.
 *
 * A run is a sequence of hot points of one stream, each starting where the previous one ended. The
 * run is an episode once its samples above T reach `episodeMinSamples`; a window is high at T for a
 * stream when a hot point of the stream that starts in the window brings its run to that total, or
 * continues a run that already reached it. Points without samples are ignored (they break no run).
 */
export function sessionWindows(
  points: readonly EpisodePoint[],
  thresholds: number,
  settings: EpisodeSettings,
): Map<number, WindowStreams> {
  const ordered = [...points].sort((a, b) =>
    a.startTimeUnixNano === b.startTimeUnixNano
      ? Number(a.timeUnixNano - b.timeUnixNano)
      : a.startTimeUnixNano < b.startTimeUnixNano
        ? -1
        : 1,
  );
  const windows = new Map<number, WindowStreams>();
  for (const [i, point] of ordered.entries()) {
    if (point.samples === 0) continue;
    const window = windowOf(point.startTimeUnixNano, settings.windowNanos);
    let streams = windows.get(window);
    if (!streams) windows.set(window, (streams = new Map()));
    const high = streams.get(point.stream) ?? new Array<boolean>(thresholds).fill(false);
    streams.set(point.stream, high);
    for (let t = 0; t < thresholds; t++) {
      if (runTotal(ordered, i, t) >= settings.episodeMinSamples) high[t] = true;
    }
  }
  return windows;
}

/** Samples above threshold t in the run that ends at ordered[i] (0 when that point is not hot). */
function runTotal(ordered: readonly EpisodePoint[], i: number, t: number): number {
  let point = ordered[i]!;
  let total = 0;
  for (;;) {
    if (!isHot(point.samples, point.above[t] ?? 0)) return total;
    total += point.above[t] ?? 0;
    const previous = previousOfStream(ordered, i, point.stream);
    if (previous === undefined || ordered[previous]!.timeUnixNano !== point.startTimeUnixNano) return total;
    i = previous;
    point = ordered[i]!;
  }
}

/** The latest earlier point with samples of the same stream. */
function previousOfStream(ordered: readonly EpisodePoint[], i: number, stream: string): number | undefined {
  for (let j = i - 1; j >= 0; j--) {
    const p = ordered[j]!;
    if (p.stream === stream && p.samples > 0) return j;
  }
  return undefined;
}
