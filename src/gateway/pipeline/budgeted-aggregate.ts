import { CPU_HISTOGRAM } from '../../model/index.js';
import { CumulativeStore } from '../aggregation/index.js';
import { OverflowSeries, type SeriesBudget } from '../cardinality/index.js';
import type { Contribution } from './session-contributions.js';

/**
 * The "aggregate" step of an ingest: each contribution goes to its own label set when the series
 * budget admits it (a window family's label set as one unit of 1 + T series), else to its metric's
 * overflow label set, and is added to the cumulative aggregate the exporter reads.
 */
export class BudgetedAggregate {
  readonly store = new CumulativeStore();
  private readonly overflow = new OverflowSeries();

  constructor(
    private readonly budget: SeriesBudget,
    /** The `threshold` label value of each configured threshold, in config order. */
    private readonly thresholdLabels: readonly string[],
  ) {}

  /** Adds `contributions`; resolves how many points and windows went to an overflow label set. */
  async add(contributions: readonly Contribution[], nowMs: number): Promise<number> {
    if (contributions.length === 0) return 0;
    const admitted = await this.budget.admit(contributions, nowMs);
    let overflowed = 0;
    for (const c of contributions) {
      const own = admitted.has(c.key);
      if (c.kind === 'histogram') {
        if (!own) overflowed += c.points;
        const { key, labels } = own ? c : this.overflow.of(CPU_HISTOGRAM.name);
        this.store.addHistogram(key, labels, c.delta, c.exemplar, nowMs);
      } else {
        if (!own) overflowed++;
        const { key, labels } = own ? c : this.overflow.of(c.family.active);
        this.store.addWindow(c.family, key, labels, this.thresholdLabels, c.high, nowMs);
      }
    }
    return overflowed;
  }

  /** Housekeeping: forgets expired admissions and series idle for `idleTimeoutMs`. */
  expire(nowMs: number, idleTimeoutMs: number): void {
    this.budget.prune(nowMs);
    this.store.expireIdle(nowMs, idleTimeoutMs);
  }
}
