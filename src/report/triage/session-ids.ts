// Example sessions of a culprit from exemplars. The gateway attaches to each CPU histogram point a
// session id exemplar (docs/metrics.md); the triage asks for the culprit cell's buckets above the
// threshold and keeps exemplars whose value is above it, so every example had samples over T in
// that cell. Sessions seen over T in more flushes come first: a sustained episode, not one spike.
import { CPU_BUCKETS, EXEMPLAR_SESSION_LABELS, LABEL, PROM } from '../../model/index.js';
import type { Cell } from './cells.js';
import type { ExemplarSeries } from './prometheus-api.js';

/** 32 hex digits → 8-4-4-4-12 UUID; anything else is returned unchanged. */
export function formatSessionId(raw: string): string {
  const hex = raw.trim().toLowerCase().replaceAll('-', '');
  if (!/^[0-9a-f]{32}$/.test(hex)) return raw.trim();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function sessionIdOf(labels: Record<string, string>): string | undefined {
  for (const name of EXEMPLAR_SESSION_LABELS) {
    const value = labels[name];
    if (value) return formatSessionId(value);
  }
  return undefined;
}

export interface ExampleSession {
  sessionId: string;
  /** Exemplars of this session above the threshold in the cell (one per gateway flush and series). */
  exemplarsAboveThreshold: number;
  /** The highest exemplar value (share of all CPUs). */
  maxCpu: number;
  /** Unix seconds of the latest such exemplar. */
  lastSeen: number;
}

function escape(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}

/**
 * The exemplar selector of a cell: its version, stage and OS (the histogram's labels; cpu_cores
 * and event details are not on it) and the buckets whose upper bound is above the threshold.
 */
export function exemplarSelector(cell: Cell, threshold: number): string {
  const matchers = (['version', 'stage', 'os'] as const)
    .filter((d) => cell[d] !== undefined)
    .map((d) => `${LABEL[d]}="${escape(cell[d]!)}"`);
  const above = CPU_BUCKETS.filter((bound) => bound > threshold).flatMap((bound) =>
    Number.isInteger(bound) ? [String(bound), bound.toFixed(1)] : [String(bound)],
  );
  const le = [...above, '\\\\+Inf'].map((v) => v.replaceAll('.', '\\\\.')).join('|');
  return `${PROM.cpuBucket}{${[...matchers, `le=~"${le}"`].join(', ')}}`;
}

/** Sessions with exemplars above the threshold, the most often seen first, then the highest. */
export function exampleSessions(
  series: readonly ExemplarSeries[],
  threshold: number,
  limit: number,
): ExampleSession[] {
  const bySession = new Map<string, ExampleSession & { seen: Set<string> }>();
  for (const entry of series) {
    for (const exemplar of entry.exemplars) {
      if (!(exemplar.value > threshold)) continue;
      const sessionId = sessionIdOf(exemplar.labels);
      if (!sessionId) continue;
      const known = bySession.get(sessionId) ?? {
        sessionId,
        exemplarsAboveThreshold: 0,
        maxCpu: 0,
        lastSeen: 0,
        seen: new Set<string>(),
      };
      const identity = `${JSON.stringify(entry.seriesLabels)}@${exemplar.timestamp}`;
      if (!known.seen.has(identity)) {
        known.seen.add(identity);
        known.exemplarsAboveThreshold += 1;
      }
      known.maxCpu = Math.max(known.maxCpu, exemplar.value);
      known.lastSeen = Math.max(known.lastSeen, exemplar.timestamp);
      bySession.set(sessionId, known);
    }
  }
  return [...bySession.values()]
    .sort((a, b) => b.exemplarsAboveThreshold - a.exemplarsAboveThreshold || b.maxCpu - a.maxCpu)
    .slice(0, limit)
    .map(({ seen: _seen, ...example }) => example);
}
