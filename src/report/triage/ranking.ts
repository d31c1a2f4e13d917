// Decides which groups (versions, or stage/OS cells of a version) are suspects: enough data, a
// real effect, and statistically significant after correcting for testing many groups at once.
import { benjaminiHochberg, twoProportionPValue } from './statistics.js';

export interface RankingCriteria {
  /** Minimum sessions in the group: below it a rate is too noisy to rank. */
  minSessions: number;
  /** Minimum high-CPU sessions in the group (2 of 2 over is an anecdote, not a pattern). */
  minOverSessions: number;
  /** Effect-size floor: group over-rate ÷ reference over-rate. */
  minLift: number;
  /** Effect-size floor: group over-rate − comparison over-rate (0.05 = 5 percentage points). */
  minRateDifference: number;
  /** False discovery rate for the Benjamini–Hochberg correction. */
  alpha: number;
}

export const DEFAULT_RANKING_CRITERIA: RankingCriteria = {
  minSessions: 50,
  minOverSessions: 5,
  minLift: 1.5,
  minRateDifference: 0.05,
  // 1%: when nothing is really different, at most a 1-in-100 chance of naming any suspect.
  alpha: 0.01,
};

export interface GroupCounts<K> {
  key: K;
  sessions: number;
  overSessions: number;
  /** The rest the group is tested against (e.g. all other versions; the same stage in other versions). */
  comparison: { sessions: number; overSessions: number };
  /** The rate lift is measured against (e.g. the whole fleet, group included). */
  referenceRate: number;
}

export type Verdict =
  'suspect' | 'too-few-sessions' | 'too-few-over' | 'effect-too-small' | 'not-significant' | 'no-comparison';

export interface RankedGroup<K> extends GroupCounts<K> {
  overRate: number;
  comparisonRate: number;
  /** overRate ÷ referenceRate; Infinity when the reference is 0 and the group is not. */
  lift: number;
  pValue: number;
  /** Benjamini–Hochberg adjusted over every group that passed the count guards. */
  adjustedPValue: number;
  verdict: Verdict;
}

function rate(over: number, sessions: number): number {
  return sessions > 0 ? over / sessions : 0;
}

/**
 * Tests every group, applies the guards and returns all groups ranked: suspects first (highest
 * lift first), then the rest by lift. Only groups that pass the count guards are corrected for,
 * since groups too small to ever be named are not real tests.
 */
export function rankGroups<K>(
  groups: readonly GroupCounts<K>[],
  criteria: RankingCriteria,
): RankedGroup<K>[] {
  const evaluated = groups.map((group) => {
    const overRate = rate(group.overSessions, group.sessions);
    const comparisonRate = rate(group.comparison.overSessions, group.comparison.sessions);
    const lift = group.referenceRate > 0 ? overRate / group.referenceRate : overRate > 0 ? Infinity : 0;
    const pValue = twoProportionPValue(
      { successes: group.overSessions, trials: group.sessions },
      { successes: group.comparison.overSessions, trials: group.comparison.sessions },
    );
    let guard: Verdict | undefined;
    if (group.sessions < criteria.minSessions) guard = 'too-few-sessions';
    else if (group.overSessions < criteria.minOverSessions) guard = 'too-few-over';
    else if (group.comparison.sessions <= 0) guard = 'no-comparison';
    return { ...group, overRate, comparisonRate, lift, pValue, guard };
  });
  const testedIndexes = evaluated.flatMap((group, index) => (group.guard === undefined ? [index] : []));
  const adjusted = benjaminiHochberg(testedIndexes.map((index) => evaluated[index]?.pValue ?? 1));
  const adjustedByIndex = new Map(
    testedIndexes.map((groupIndex, position) => [groupIndex, adjusted[position] ?? 1]),
  );
  const ranked: RankedGroup<K>[] = evaluated.map(({ guard, ...group }, index) => {
    const adjustedPValue = adjustedByIndex.get(index) ?? 1;
    let verdict: Verdict = guard ?? 'suspect';
    if (!guard) {
      const bigEnough =
        group.lift >= criteria.minLift && group.overRate - group.comparisonRate >= criteria.minRateDifference;
      if (!bigEnough) verdict = 'effect-too-small';
      else if (adjustedPValue > criteria.alpha) verdict = 'not-significant';
    }
    return { ...group, adjustedPValue, verdict };
  });
  return ranked.sort(
    (a, b) =>
      Number(b.verdict === 'suspect') - Number(a.verdict === 'suspect') ||
      b.lift - a.lift ||
      a.pValue - b.pValue,
  );
}
