import type { StateStoreOptions } from './state-store.js';

type WindowOptions = Pick<StateStoreOptions, 'versionWindowMs' | 'versionWindowBuckets'>;

/** The sliding window is a ring of buckets; usage is counted in the bucket of "now". */
export function versionBucketIndex(nowMs: number, options: WindowOptions): number {
  const bucketMs = Math.max(1, Math.floor(options.versionWindowMs / options.versionWindowBuckets));
  return Math.floor(nowMs / bucketMs);
}

/**
 * The active versions: the `max` most used in the window. Ties keep currently active versions
 * first (so equal usage does not make labels flap), then the lexically smaller.
 */
export function rankVersions(
  usage: Map<string, number>,
  currentlyActive: Set<string>,
  max: number,
): string[] {
  return [...usage.entries()]
    .filter(([, n]) => n > 0)
    .sort(
      (a, b) =>
        b[1] - a[1] ||
        Number(currentlyActive.has(b[0])) - Number(currentlyActive.has(a[0])) ||
        (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
    )
    .slice(0, max)
    .map(([version]) => version);
}
