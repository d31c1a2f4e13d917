// What held the gateway's event loop during a latency window, from its own /metrics (prom-client's
// default metrics): the longest event-loop delay, and the GC pauses of 10 ms or more by kind. It
// tells a p99 outlier caused inside the gateway from one caused by the machine or the harness.

/** The GC histogram's bucket bound (prom-client default buckets) that separates long pauses. */
const LONG_PAUSE_BUCKET = '0.01';

export interface StallSnapshot {
  /** Longest event-loop delay since the previous scrape (prom-client resets it on every scrape), ms. */
  eventLoopDelayMaxMs: number;
  /** Per GC kind: pauses so far, and pauses of at most 10 ms so far. */
  gc: Map<string, { count: number; short: number }>;
}

export async function scrapeStalls(gatewayUrl: string): Promise<StallSnapshot> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const gc = new Map<string, { count: number; short: number }>();
  let eventLoopDelayMaxMs = NaN;
  for (const line of text.split('\n')) {
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('nodejs_eventloop_lag_max_seconds ')) eventLoopDelayMaxMs = value * 1000;
    const kind = /^nodejs_gc_duration_seconds_(count|bucket)\{(?:le="([^"]+)",)?kind="([^"]+)"/.exec(line);
    if (!kind) continue;
    const [, series, le, name] = kind as unknown as [string, string, string | undefined, string];
    const entry = gc.get(name) ?? { count: 0, short: 0 };
    if (series === 'count') entry.count = value;
    else if (le === LONG_PAUSE_BUCKET) entry.short = value;
    gc.set(name, entry);
  }
  return { eventLoopDelayMaxMs, gc };
}

/** "lag max 12.3 ms; GC ≥ 10 ms: 2 major, 1 minor" for the window between two snapshots. */
export function describeStalls(before: StallSnapshot, after: StallSnapshot): string {
  const long: string[] = [];
  for (const [kind, { count, short }] of after.gc) {
    const earlier = before.gc.get(kind) ?? { count: 0, short: 0 };
    const pauses = count - earlier.count - (short - earlier.short);
    if (pauses > 0) long.push(`${pauses} ${kind}`);
  }
  return `${after.eventLoopDelayMaxMs.toFixed(1)} ms; ${long.length > 0 ? long.join(', ') : 'none'}`;
}
