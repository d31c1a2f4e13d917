// Human durations on the command line and in scenario files ("90s", "3m", "500ms", "1h").

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const DURATION = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)$/;

/** Parses "250ms" | "10s" | "3m" | "1h" (or a bare number of milliseconds) into milliseconds. */
export function parseDurationMs(text: string | number): number {
  if (typeof text === 'number') {
    if (!Number.isFinite(text) || text < 0) throw new Error(`invalid duration ${text}: expected >= 0 ms`);
    return text;
  }
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const match = DURATION.exec(trimmed);
  const unit = match?.[2];
  if (!match || unit === undefined) {
    throw new Error(`invalid duration "${text}": expected e.g. 500ms, 30s, 3m, 1h`);
  }
  return Math.round(Number(match[1]) * (UNIT_MS[unit] ?? 1));
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 120) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`;
}
