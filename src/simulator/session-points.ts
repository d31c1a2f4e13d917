// Turns one session's one-second samples into what its watchdog would export: per export interval,
// one DELTA histogram point per stream (stage + event-detail values), with the watchdog's buckets.
// The same points feed the OTLP request (otlp-request.ts) and the ground truth (ground-truth.ts).
import { CPU_BUCKETS, STAGE_ATTRIBUTE, STAGE_DETAILS, type EpisodePoint } from '../model/index.js';
import type { KeyValue } from '../otlp/index.js';
import type { CpuSample } from './simulated-session.js';

const ATTRIBUTE_OF: ReadonlyMap<string, string> = new Map(
  STAGE_DETAILS.map((d) => [d.eventKey, d.attribute]),
);

/** What the ground truth needs of a point: its episode fields, stage and detail attributes. */
export interface TruthPoint extends EpisodePoint {
  readonly stage: string;
  /** Event details of the point as point attributes (attribute name → integer value). */
  readonly detailAttributes: ReadonlyMap<string, number>;
}

/** One exported histogram point of a session. */
export interface SimulatedPoint extends TruthPoint {
  readonly bucketCounts: readonly number[];
  readonly sum: number;
  readonly min: number;
  readonly max: number;
  readonly attributes: KeyValue[];
}

interface Accumulator {
  stage: string;
  details: Readonly<Record<string, number>>;
  bucketCounts: number[];
  sum: number;
  min: number;
  max: number;
  count: number;
}

/** Bucket index of a value: the first bound it does not exceed (OTLP bounds are upper-inclusive). */
function bucketIndex(value: number): number {
  for (let i = 0; i < CPU_BUCKETS.length; i++) if (value <= (CPU_BUCKETS[i] as number)) return i;
  return CPU_BUCKETS.length;
}

/** Index of each threshold's bound in CPU_BUCKETS: samples above T fill the buckets after it. */
export function thresholdBucketIndexes(thresholds: readonly number[]): number[] {
  return thresholds.map((t) => {
    const index = CPU_BUCKETS.indexOf(t);
    if (index < 0) throw new Error(`threshold ${t} is not one of CPU_BUCKETS (${CPU_BUCKETS.join(', ')})`);
    return index;
  });
}

/** Collects one interval's samples and closes it into points. */
export class IntervalPoints {
  private readonly streams = new Map<string, Accumulator>();
  private readonly aboveIndexes: number[];

  constructor(thresholds: readonly number[]) {
    this.aboveIndexes = thresholdBucketIndexes(thresholds);
  }

  get isEmpty(): boolean {
    return this.streams.size === 0;
  }

  add(sample: CpuSample): void {
    const key = sample.stream;
    let acc = this.streams.get(key);
    if (!acc) {
      acc = {
        stage: sample.stage,
        details: sample.details,
        bucketCounts: new Array<number>(CPU_BUCKETS.length + 1).fill(0),
        sum: 0,
        min: Infinity,
        max: -Infinity,
        count: 0,
      };
      this.streams.set(key, acc);
    }
    const value = sample.utilization;
    acc.bucketCounts[bucketIndex(value)]! += 1;
    acc.sum += value;
    if (value < acc.min) acc.min = value;
    if (value > acc.max) acc.max = value;
    acc.count += 1;
  }

  /** The interval's points (one per stream with samples), and a fresh empty interval. */
  close(startTimeUnixNano: bigint, timeUnixNano: bigint): SimulatedPoint[] {
    const points: SimulatedPoint[] = [];
    for (const [stream, acc] of this.streams) {
      const detailAttributes = new Map<string, number>();
      const attributes: KeyValue[] = [{ key: STAGE_ATTRIBUTE, value: acc.stage }];
      for (const [name, value] of Object.entries(acc.details)) {
        const attribute = ATTRIBUTE_OF.get(name);
        if (attribute === undefined) continue;
        detailAttributes.set(attribute, value);
        attributes.push({ key: attribute, value });
      }
      points.push({
        stream,
        stage: acc.stage,
        detailAttributes,
        startTimeUnixNano,
        timeUnixNano,
        samples: acc.count,
        above: this.aboveIndexes.map((index) => {
          let above = 0;
          for (let i = index + 1; i < acc.bucketCounts.length; i++) above += acc.bucketCounts[i] ?? 0;
          return above;
        }),
        bucketCounts: acc.bucketCounts,
        sum: acc.sum,
        min: acc.min,
        max: acc.max,
        attributes,
      });
    }
    this.streams.clear();
    return points;
  }
}

/** The truth's slim copy of a point: a session's points are kept until it ends, the OTLP fields are not. */
export function truthPoint(point: SimulatedPoint): TruthPoint {
  return {
    stream: point.stream,
    stage: point.stage,
    detailAttributes: point.detailAttributes,
    startTimeUnixNano: point.startTimeUnixNano,
    timeUnixNano: point.timeUnixNano,
    samples: point.samples,
    above: point.above,
  };
}
