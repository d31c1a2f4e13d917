import type { StateStore } from '../state/index.js';
import { OTHER } from '../../model/index.js';
import type { BoundedValue, LabelBounds } from './label-bounds.js';

export interface VersionBoundsConfig {
  maxVersions: number;
  admissionCacheMs: number;
}

type Log = (level: 'warn', msg: string, fields?: Record<string, unknown>) => void;

/**
 * Top-N versions. The shared active set lives in the state store (re-ranked by housekeeping);
 * this replica keeps a copy so that known versions and a full set cost no round trip. A version
 * not in the set is asked for only while the set may have a free slot (which admits immediately).
 */
export class VersionBounds {
  private active = new Set<string>();
  private refreshedAtMs = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: StateStore,
    private readonly labels: LabelBounds,
    private readonly config: VersionBoundsConfig,
    private readonly log: Log,
  ) {}

  /** Replaces the local copy with the store's active set (after housekeeping). */
  refresh(activeVersions: string[], nowMs: number): void {
    this.active = new Set(activeVersions);
    this.refreshedAtMs = nowMs;
  }

  get activeCount(): number {
    return this.active.size;
  }

  /** Maps raw versions to label values; never rejects (a store failure maps unknown versions to "other"). */
  async bound(rawVersions: Iterable<string>, nowMs: number): Promise<Map<string, BoundedValue>> {
    const result = new Map<string, BoundedValue>();
    const unknown: string[] = [];
    for (const raw of rawVersions) {
      if (result.has(raw)) continue;
      const capped = this.labels.capLength(raw);
      if (capped.bounded || this.active.has(raw)) {
        result.set(raw, capped);
        continue;
      }
      result.set(raw, { value: OTHER, bounded: 'versions' });
      unknown.push(raw);
    }
    const mayHaveFreeSlot =
      this.active.size < this.config.maxVersions || nowMs - this.refreshedAtMs > this.config.admissionCacheMs;
    if (unknown.length === 0 || !mayHaveFreeSlot) return result;
    try {
      const admitted = await this.store.admitVersions(unknown);
      unknown.forEach((raw, i) => {
        if (admitted[i]) {
          this.active.add(raw);
          result.set(raw, { value: raw, bounded: undefined });
        }
      });
      // A refusal proves the shared set is full: stop asking until the next refresh.
      if (admitted.some((a) => !a)) this.refreshedAtMs = nowMs;
    } catch (err) {
      this.log('warn', 'version admission failed; using "other"', { err: (err as Error).message });
    }
    return result;
  }
}
