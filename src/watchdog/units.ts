// Human-friendly durations ("1s", "500ms", "24h") and sizes ("50MiB", "5MB") for flags and env vars.
// A bare number is milliseconds / bytes, so library callers can pass plain numbers.

const DURATION_UNITS_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const SIZE_UNITS: Record<string, number> = {
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

function parseWithUnits(
  text: string,
  units: Record<string, number>,
  defaultUnit: string,
): number | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  if (!match?.[1]) return undefined;
  const unit = (match[2] || defaultUnit).toLowerCase();
  const factor = units[unit];
  return factor === undefined ? undefined : Math.round(Number(match[1]) * factor);
}

/** Milliseconds, or undefined when not a duration. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return parseWithUnits(value, DURATION_UNITS_MS, 'ms');
}

/** Bytes, or undefined when not a size. */
export function parseSize(value: string | number): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  return parseWithUnits(value, SIZE_UNITS, 'b');
}
