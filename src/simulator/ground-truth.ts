// The simulator's ground truth: per session window, the episode flags of src/model/episodes.ts
// computed on exactly the points the session sent, counted into the cells of the three window
// families (DESIGN §2) with the gateway's labelling. What Prometheus must show, by construction.
import {
  bucketLabel,
  cpuCoresLabel,
  LABEL,
  sessionWindows,
  thresholdLabel,
  type EpisodeSettings,
} from '../model/index.js';
import type { ModelSettings } from './scenario-schema.js';
import type { TruthPoint } from './session-points.js';
import type { SessionIdentity } from './simulated-session.js';

export type FamilyName = 'session' | 'stage' | 'detail';

/** One label set of a window family: windows counted active, and high per threshold label. */
export interface TruthCell {
  labels: Record<string, string>;
  active: number;
  high: Record<string, number>;
}

export interface GroundTruth {
  /** Threshold label values, config order (`"0.3"`, `"0.8"`). */
  thresholds: string[];
  windowSeconds: number;
  session: TruthCell[];
  stage: TruthCell[];
  detail: TruthCell[];
}

interface StreamCells {
  stage: string;
  details: Array<{ detail: string; bucket: string }>;
}

/** Accumulates sessions into per-cell window counts. */
export class TruthCounter {
  private readonly thresholdLabels: string[];
  private readonly settings: EpisodeSettings;
  private readonly families: Record<FamilyName, Map<string, TruthCell>> = {
    session: new Map(),
    stage: new Map(),
    detail: new Map(),
  };

  constructor(
    private readonly model: ModelSettings,
    private readonly windowSeconds: number,
  ) {
    this.thresholdLabels = model.thresholds.map(thresholdLabel);
    this.settings = {
      episodeMinSamples: model.episodeMinSamples,
      windowNanos: BigInt(windowSeconds) * 1_000_000_000n,
    };
  }

  /** Counts every window of one finished session from the points it sent. */
  addSession(identity: SessionIdentity, points: readonly TruthPoint[]): void {
    const thresholds = this.model.thresholds.length;
    const windows = sessionWindows(points, thresholds, this.settings);
    const cellsOf = new Map<string, StreamCells>();
    for (const point of points)
      if (!cellsOf.has(point.stream)) cellsOf.set(point.stream, this.cellsOf(point));
    const session = {
      [LABEL.version]: identity.appVersion,
      [LABEL.os]: identity.osType,
      [LABEL.cpuCores]: cpuCoresLabel(identity.cpuLogicalCount),
    };
    for (const streams of windows.values()) {
      const sessionHigh = new Array<boolean>(thresholds).fill(false);
      const stageHigh = new Map<string, boolean[]>();
      const detailHigh = new Map<
        string,
        { stage: string; detail: string; bucket: string; high: boolean[] }
      >();
      for (const [stream, high] of streams) {
        const cells = cellsOf.get(stream)!;
        orInto(sessionHigh, high);
        orInto(
          getOrSet(stageHigh, cells.stage, () => new Array<boolean>(thresholds).fill(false)),
          high,
        );
        for (const { detail, bucket } of cells.details) {
          const key = `${cells.stage}\u0000${detail}\u0000${bucket}`;
          const entry = getOrSet(detailHigh, key, () => ({
            stage: cells.stage,
            detail,
            bucket,
            high: new Array<boolean>(thresholds).fill(false),
          }));
          orInto(entry.high, high);
        }
      }
      this.count('session', session, sessionHigh);
      for (const [stage, high] of stageHigh) {
        this.count(
          'stage',
          { [LABEL.version]: session.version!, [LABEL.stage]: stage, [LABEL.os]: session.os! },
          high,
        );
      }
      for (const d of detailHigh.values()) {
        this.count(
          'detail',
          {
            [LABEL.version]: session.version!,
            [LABEL.stage]: d.stage,
            [LABEL.os]: session.os!,
            [LABEL.detail]: d.detail,
            [LABEL.detailBucket]: d.bucket,
          },
          d.high,
        );
      }
    }
  }

  result(): GroundTruth {
    const sorted = (family: FamilyName) =>
      [...this.families[family].entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, cell]) => cell);
    return {
      thresholds: this.thresholdLabels,
      windowSeconds: this.windowSeconds,
      session: sorted('session'),
      stage: sorted('stage'),
      detail: sorted('detail'),
    };
  }

  private cellsOf(point: TruthPoint): StreamCells {
    const details: StreamCells['details'] = [];
    for (const dimension of this.model.details) {
      const value = point.detailAttributes.get(dimension.attribute);
      const bucket = value === undefined ? undefined : bucketLabel(value, dimension.bounds);
      if (bucket !== undefined) details.push({ detail: dimension.label, bucket });
    }
    return { stage: point.stage, details };
  }

  private count(family: FamilyName, labels: Record<string, string>, high: readonly boolean[]): void {
    const key = Object.values(labels).join('\u0000');
    const cell = getOrSet(this.families[family], key, () => ({
      labels,
      active: 0,
      high: Object.fromEntries(this.thresholdLabels.map((t) => [t, 0])),
    }));
    cell.active += 1;
    high.forEach((isHigh, t) => {
      if (isHigh) cell.high[this.thresholdLabels[t]!]! += 1;
    });
  }
}

function orInto(target: boolean[], high: readonly boolean[]): void {
  for (let t = 0; t < target.length; t++) if (high[t]) target[t] = true;
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

/** Summed active and high windows of the cells whose labels include every `filter` entry. */
export function truthTotals(
  cells: readonly TruthCell[],
  threshold: string,
  filter: Record<string, string> = {},
): { active: number; high: number } {
  let active = 0;
  let high = 0;
  for (const cell of cells) {
    if (Object.entries(filter).some(([label, value]) => cell.labels[label] !== value)) continue;
    active += cell.active;
    high += cell.high[threshold] ?? 0;
  }
  return { active, high };
}

/** high / active of the matching cells (0 when nothing is active). */
export function truthOverRate(
  cells: readonly TruthCell[],
  threshold: string,
  filter: Record<string, string> = {},
): number {
  const { active, high } = truthTotals(cells, threshold, filter);
  return active === 0 ? 0 : high / active;
}
