// Numeric values as bounded label values: the logical core count of a session's machine and the
// event details the gateway is configured to keep. One labelling rule for both.

/**
 * The label value of integer `value` under ascending integer `bounds` [b1, …, bn]: `<=b1`,
 * `b1+1-b2`, …, `>bn`. A value that is not a non-negative integer has no bucket.
 */
export function bucketLabel(value: number, bounds: readonly number[]): string | undefined {
  if (!Number.isInteger(value) || value < 0) return undefined;
  let lower = 0;
  for (const [i, bound] of bounds.entries()) {
    if (value <= bound) return i === 0 ? `<=${bound}` : lower === bound ? `${bound}` : `${lower}-${bound}`;
    lower = bound + 1;
  }
  return `>${bounds[bounds.length - 1]}`;
}

/** Every label value bucketLabel can give under `bounds`, in order. */
export function bucketLabels(bounds: readonly number[]): string[] {
  return [...bounds.map((b) => bucketLabel(b, bounds)!), `>${bounds[bounds.length - 1]}`];
}

/** Bounds of the `cpu_cores` label: 1–2, 3–4, 5–8, 9–16 and more than 16 logical CPUs. */
export const CPU_CORES_BOUNDS: readonly number[] = Object.freeze([2, 4, 8, 16]);

/** The `cpu_cores` label when the client did not say how many logical CPUs it has. */
export const UNKNOWN = 'unknown';

export function cpuCoresLabel(logicalCount: number | undefined): string {
  if (logicalCount === undefined || logicalCount < 1) return UNKNOWN;
  return bucketLabel(logicalCount, CPU_CORES_BOUNDS) ?? UNKNOWN;
}
