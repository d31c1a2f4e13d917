// Version shares over the run: a rollout version has a share of new sessions that moves linearly
// (e.g. 0 → 0.7); the weighted versions share what the rollouts leave, in proportion to their weights.
import type { Random } from './random.js';
import { rolloutShare } from './schema-checks.js';
import type { VersionEntry } from './scenario-schema.js';

/** Each version's share of sessions starting at `fraction` (0 = start of the run, 1 = end); sums to 1. */
export function versionSharesAt(
  versions: readonly VersionEntry[],
  fraction: number,
): Array<{ value: string; weight: number }> {
  const at = Math.min(1, Math.max(0, fraction));
  const rolled = versions.map((v) => (v.rollout ? rolloutShare(v.rollout, at) : 0));
  const left = Math.max(0, 1 - rolled.reduce((sum, share) => sum + share, 0));
  const totalWeight = versions.reduce((sum, v) => sum + (v.weight ?? 0), 0);
  return versions.map((v, i) => ({
    value: v.value,
    weight: v.rollout ? (rolled[i] ?? 0) : (left * (v.weight ?? 0)) / totalWeight,
  }));
}

/** The version of a session that starts at `fraction` of the run. */
export function drawVersion(versions: readonly VersionEntry[], fraction: number, random: Random): string {
  const shares = versionSharesAt(versions, fraction).filter((s) => s.weight > 0);
  return shares.length > 0 ? random.weighted(shares) : (versions[0]?.value ?? '');
}
