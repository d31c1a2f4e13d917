import type { SeriesAdmission, StateStore } from '../state/index.js';

export interface SeriesBudgetConfig {
  admissionCacheMs: number;
}

/** A forwarded label set, identified by its series key, and the Prometheus series it becomes. */
export interface SeriesRequest {
  key: string;
  /** CPU_HISTOGRAM_COST for a histogram label set, windowFamilyCost(T) for a window-family one. */
  cost: number;
}

type Log = (level: 'warn', msg: string, fields?: Record<string, unknown>) => void;

interface CachedAdmission {
  admitted: boolean;
  untilMs: number;
}

/**
 * The global series budget in Prometheus series, shared through the state store: each label set
 * costs what it becomes in Prometheus (11 for a CPU histogram, 1 + T for a window family's active
 * and high counters, admitted as one unit). Decisions are cached locally for admissionCacheMs so that the store is asked once per
 * series and interval, not per point; re-asking also keeps admitted series from expiring in the
 * store while they are in use.
 */
export class SeriesBudget {
  private readonly cache = new Map<string, CachedAdmission>();

  constructor(
    private readonly store: StateStore,
    private readonly config: SeriesBudgetConfig,
    private readonly log: Log,
  ) {}

  /** The keys that may have their own series; the rest go to overflow. Never rejects. */
  async admit(series: Iterable<SeriesRequest>, nowMs: number): Promise<Set<string>> {
    const admitted = new Set<string>();
    const toAsk: SeriesAdmission[] = [];
    const asked = new Set<string>();
    // Requests come in runs of one key (a session's points): skip repeats before any set lookup.
    let previous: string | undefined;
    for (const { key, cost } of series) {
      if (key === previous) continue;
      previous = key;
      if (asked.has(key) || admitted.has(key)) continue;
      const cached = this.cache.get(key);
      if (cached && cached.untilMs > nowMs) {
        if (cached.admitted) admitted.add(key);
      } else {
        asked.add(key);
        toAsk.push({ key, cost });
      }
    }
    if (toAsk.length === 0) return admitted;
    try {
      const decisions = await this.store.admitSeries(toAsk, nowMs);
      toAsk.forEach(({ key }, i) => {
        const ok = decisions[i] === true;
        this.cache.set(key, { admitted: ok, untilMs: nowMs + this.config.admissionCacheMs });
        if (ok) admitted.add(key);
      });
    } catch (err) {
      // Keep series we already had (their totals continue); new ones overflow, so totals stay correct.
      for (const { key } of toAsk) if (this.cache.get(key)?.admitted) admitted.add(key);
      this.log('warn', 'series admission failed; new series go to overflow', { err: (err as Error).message });
    }
    return admitted;
  }

  /** Drops expired decisions so the cache stays as small as the working set. */
  prune(nowMs: number): void {
    for (const [key, cached] of this.cache) if (cached.untilMs <= nowMs) this.cache.delete(key);
  }
}
