// Builds the OTLP metrics of a list of raw CPU samples exactly as the SDK would have exported them:
// one DELTA histogram point of `process.cpu.utilization` per (stage, detail values), CPU_BUCKETS, over
// one interval. Used for the samples the journal recovered after a crash (sample-journal.ts).
import type { HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import {
  CPU_BUCKETS,
  CPU_METRIC_NAME,
  CPU_METRIC_UNIT,
  SCOPE_NAME,
  STAGE_ATTRIBUTE,
} from '../../model/index.js';
import { resourceAttributes, type SessionIdentity } from '../session/index.js';

export const CPU_METRIC_DESCRIPTION =
  'CPU utilization of the FilesForYou app, 0..1 normalised by logical CPUs, one sample per period';

export interface RawCpuSample {
  /** Wall time of the sample, ns since the epoch. */
  timeNs: bigint;
  stage: string;
  /** Detail attributes (already validated), e.g. `filesfu.file.name.length`. */
  details: Readonly<Record<string, number>>;
  /** 0..1. */
  utilization: number;
}

export function hrTimeOf(ns: bigint): HrTime {
  return [Number(ns / 1_000_000_000n), Number(ns % 1_000_000_000n)];
}

export function nsOf(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

/** Index of the explicit bucket a value falls in: bounds are inclusive upper bounds, then +Inf. */
function bucketIndex(value: number): number {
  const index = CPU_BUCKETS.findIndex((bound) => value <= bound);
  return index < 0 ? CPU_BUCKETS.length : index;
}

function streamKey(sample: RawCpuSample): string {
  const details = Object.keys(sample.details)
    .sort()
    .map((key) => [key, sample.details[key]]);
  return JSON.stringify([sample.stage, details]);
}

/** The samples as one export request over [startNs, endNs] (endNs >= every sample's time). */
export function cpuSamplesMetrics(
  identity: SessionIdentity,
  samples: readonly RawCpuSample[],
  startNs: bigint,
  endNs: bigint,
): ResourceMetrics {
  const streams = new Map<string, { sample: RawCpuSample; values: number[] }>();
  for (const sample of samples) {
    const key = streamKey(sample);
    const stream = streams.get(key);
    if (stream) stream.values.push(sample.utilization);
    else streams.set(key, { sample, values: [sample.utilization] });
  }
  const dataPoints = [...streams.values()].map(({ sample, values }) => {
    const counts = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
    for (const value of values) counts[bucketIndex(value)] = (counts[bucketIndex(value)] ?? 0) + 1;
    return {
      startTime: hrTimeOf(startNs),
      endTime: hrTimeOf(endNs),
      attributes: { ...sample.details, [STAGE_ATTRIBUTE]: sample.stage },
      value: {
        buckets: { boundaries: [...CPU_BUCKETS], counts },
        sum: values.reduce((a, b) => a + b, 0),
        count: values.length,
        min: Math.min(...values),
        max: Math.max(...values),
      },
    };
  });
  return {
    resource: resourceFromAttributes(resourceAttributes(identity)),
    scopeMetrics: [
      {
        scope: { name: SCOPE_NAME },
        metrics: [
          {
            descriptor: {
              name: CPU_METRIC_NAME,
              description: CPU_METRIC_DESCRIPTION,
              unit: CPU_METRIC_UNIT,
              valueType: ValueType.DOUBLE,
            },
            aggregationTemporality: AggregationTemporality.DELTA,
            dataPointType: DataPointType.HISTOGRAM,
            dataPoints,
          },
        ],
      },
    ],
  };
}

/** Samples in a batch the SDK collected (the sum of its histogram counts) and its latest end time. */
export function batchExtent(metrics: ResourceMetrics): { samples: number; endNs: bigint | undefined } {
  let samples = 0;
  let endNs: bigint | undefined;
  for (const scope of metrics.scopeMetrics)
    for (const metric of scope.metrics) {
      if (metric.dataPointType !== DataPointType.HISTOGRAM) continue;
      for (const point of metric.dataPoints) {
        samples += point.value.count;
        const end = nsOf(point.endTime);
        if (endNs === undefined || end > endNs) endNs = end;
      }
    }
  return { samples, endNs };
}
