import { sessionWindows } from '../../../../src/model/index.js';
import type { ClosedWindow, SessionPoint, StateStore } from '../../../../src/gateway/state/index.js';
import type { SimulatedSession } from './session-simulation.js';

// The brute-force side of the session-window property test: the windows src/model's sessionWindows()
// gives for every point a session produced, grouped into cells the plain way; and the driver that
// feeds the deliveries through a store with a controlled clock.

/** A window as a canonical string: equal windows give equal strings. */
export const canonical = (w: ClosedWindow): string => JSON.stringify(w);

export function referenceWindows(
  session: SimulatedSession,
  thresholds: number,
  episodeMinSamples: number,
  windowMs: number,
): ClosedWindow[] {
  const byStream = new Map<string, SessionPoint>(session.points.map((p) => [p.stream, p]));
  const windows = sessionWindows(session.points, thresholds, {
    episodeMinSamples,
    windowNanos: BigInt(windowMs) * 1_000_000n,
  });
  const out: ClosedWindow[] = [];
  for (const [window, streams] of windows) {
    const high = new Array<boolean>(thresholds).fill(false);
    const stages = new Map<string, boolean[]>();
    const details = new Map<string, { stage: string; detail: string; bucket: string; high: boolean[] }>();
    for (const [stream, streamHigh] of streams) {
      const { stage, details: cells } = byStream.get(stream)!;
      or(high, streamHigh);
      if (!stages.has(stage)) stages.set(stage, new Array<boolean>(thresholds).fill(false));
      or(stages.get(stage)!, streamHigh);
      for (const { detail, bucket } of cells) {
        const key = JSON.stringify([stage, detail, bucket]);
        if (!details.has(key))
          details.set(key, { stage, detail, bucket, high: new Array<boolean>(thresholds).fill(false) });
        or(details.get(key)!.high, streamHigh);
      }
    }
    const sortedKeys = <T>(m: Map<string, T>) => [...m.keys()].sort();
    out.push({
      window,
      labels: session.labels,
      high,
      stages: sortedKeys(stages).map((stage) => ({ stage, high: stages.get(stage)! })),
      details: sortedKeys(details).map((key) => details.get(key)!),
    });
  }
  return out;
}

function or(target: boolean[], high: readonly boolean[]): void {
  high.forEach((h, t) => (target[t] ||= h));
}

export interface DriveOutcome {
  closed: ClosedWindow[];
  accepted: number;
  latePoints: number;
  /** Labels the store answered per session key, every answer. */
  answeredLabels: Map<string, Set<string>>;
}

/**
 * Every delivery in time order through `stores` (replicas; a concurrent retry goes to another replica
 * at the same time), with closeDueWindows at random moments (`tick` decides) and once at the end.
 */
export async function drive(
  sessions: readonly SimulatedSession[],
  stores: readonly StateStore[],
  tick: (i: number) => boolean,
): Promise<DriveOutcome> {
  const deliveries = sessions.flatMap((s) => s.deliveries).sort((a, b) => a.atMs - b.atMs);
  const outcome: DriveOutcome = { closed: [], accepted: 0, latePoints: 0, answeredLabels: new Map() };
  const replica = (i: number) => stores[i % stores.length]!;
  for (let i = 0; i < deliveries.length; i++) {
    const group = [deliveries[i]!];
    while (deliveries[i + 1]?.concurrent && deliveries[i + 1]!.atMs === group[0]!.atMs)
      group.push(deliveries[++i]!);
    const nowMs = group[0]!.atMs;
    const results = await Promise.all(
      group.map((d, k) =>
        replica(i + k).commitSession({ sessionKey: d.sessionKey, labels: d.labels, points: d.points }, nowMs),
      ),
    );
    for (const [k, result] of results.entries()) {
      const key = group[k]!.sessionKey;
      outcome.closed.push(...result.closed);
      outcome.accepted += result.duplicate.filter((d) => !d).length;
      outcome.latePoints += result.latePoints;
      if (!outcome.answeredLabels.has(key)) outcome.answeredLabels.set(key, new Set());
      outcome.answeredLabels.get(key)!.add(JSON.stringify(result.labels));
    }
    if (tick(i)) {
      const due = await Promise.all(stores.map((store) => store.closeDueWindows(nowMs)));
      outcome.closed.push(...due.flat());
    }
  }
  const end = Math.max(0, ...deliveries.map((d) => d.atMs)) + 10 * 86_400_000;
  for (const store of stores) outcome.closed.push(...(await store.closeDueWindows(end)));
  return outcome;
}
