// Example session ids from exemplars. The gateway puts the session UUID in the exemplar's trace id
// (32 hex digits, no dashes); some encodings also carry it as a `session_id`/`session.id` label.
import { EXEMPLAR_SESSION_LABELS } from '../metric-names.js';
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
  /** The exemplar's value: the session's highest CPU sample in that gateway flush. */
  cpu: number;
  timestamp: number;
  labels: Record<string, string>;
}

/** The sessions with the highest CPU exemplars, each session once. */
export function topExampleSessions(series: readonly ExemplarSeries[], limit: number): ExampleSession[] {
  const best = new Map<string, ExampleSession>();
  for (const entry of series) {
    for (const exemplar of entry.exemplars) {
      const sessionId = sessionIdOf(exemplar.labels);
      if (!sessionId) continue;
      const known = best.get(sessionId);
      if (!known || exemplar.value > known.cpu) {
        best.set(sessionId, {
          sessionId,
          cpu: exemplar.value,
          timestamp: exemplar.timestamp,
          labels: entry.seriesLabels,
        });
      }
    }
  }
  return [...best.values()].sort((a, b) => b.cpu - a.cpu).slice(0, limit);
}
