import type { InstantSample } from './prometheus-api.js';

/** Counts keyed by the joined label values of one grouping (e.g. version + stage). */
export class CountTable {
  private readonly counts = new Map<string, number>();

  constructor(
    samples: readonly InstantSample[],
    private readonly labels: readonly string[],
  ) {
    for (const sample of samples) {
      if (!Number.isFinite(sample.value)) continue;
      this.counts.set(this.keyOf(labels.map((label) => sample.metric[label] ?? '')), sample.value);
    }
  }

  get(values: readonly string[]): number {
    return this.counts.get(this.keyOf(values)) ?? 0;
  }

  /** Sum over every row whose values match `filter` (undefined = any value). */
  sum(filter: ReadonlyArray<string | undefined>): number {
    let total = 0;
    for (const [key, value] of this.counts) {
      const values = JSON.parse(key) as string[];
      if (filter.every((wanted, index) => wanted === undefined || values[index] === wanted)) total += value;
    }
    return total;
  }

  rows(): string[][] {
    return [...this.counts.keys()].map((key) => JSON.parse(key) as string[]);
  }

  private keyOf(values: readonly string[]): string {
    return JSON.stringify(values);
  }
}
