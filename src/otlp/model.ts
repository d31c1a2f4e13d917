// The OTLP metrics data model as the gateway works with it: a plain, decoded mirror of
// opentelemetry/proto/metrics/v1 + collector/metrics/v1. Both decoders (protobuf and OTLP/JSON)
// produce exactly these shapes and the encoder consumes them, so everything downstream is
// independent of the wire format.
//
// Choices:
// - Timestamps (fixed64 nanoseconds) are `bigint`: exact, and comparable for deduplication.
// - uint64 counts are `number`: exact up to 2^53, far beyond any real count.
// - int64 values (asInt, AnyValue.intValue) are `number` too; |v| > 2^53 loses precision, which
//   CPU telemetry never reaches. NumberDataPoint.valueType remembers which oneof was set.
// - Absent optional fields (sum/min/max of histograms) are `undefined`, never NaN.

export type AnyValue = string | boolean | number | Uint8Array | AnyValue[] | KeyValueList | null;

/** An AnyValue.kvlist_value. A class so that it is distinguishable from arrays and bytes. */
export class KeyValueList {
  constructor(public readonly values: KeyValue[]) {}
}

export interface KeyValue {
  key: string;
  value: AnyValue;
}

export interface InstrumentationScope {
  name: string;
  version: string;
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export interface Resource {
  attributes: KeyValue[];
  droppedAttributesCount: number;
}

export const AggregationTemporality = {
  Unspecified: 0,
  Delta: 1,
  Cumulative: 2,
} as const;
export type AggregationTemporality = (typeof AggregationTemporality)[keyof typeof AggregationTemporality];

/** DataPointFlags.FLAG_NO_RECORDED_VALUE */
export const FLAG_NO_RECORDED_VALUE = 1;

export interface Exemplar {
  filteredAttributes: KeyValue[];
  timeUnixNano: bigint;
  value: number;
  valueType: 'double' | 'int';
  spanId: Uint8Array;
  traceId: Uint8Array;
}

export interface NumberDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  value: number;
  /** Which oneof carried the value; 'none' when neither was set (invalid, but decodable). */
  valueType: 'double' | 'int' | 'none';
  exemplars: Exemplar[];
  flags: number;
}

export interface HistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number | undefined;
  bucketCounts: number[];
  /** Read-only: the protobuf decoder shares one frozen array between points with equal bounds. */
  explicitBounds: readonly number[];
  exemplars: Exemplar[];
  flags: number;
  min: number | undefined;
  max: number | undefined;
}

export interface ExponentialHistogramBuckets {
  offset: number;
  bucketCounts: number[];
}

export interface ExponentialHistogramDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number | undefined;
  scale: number;
  zeroCount: number;
  positive: ExponentialHistogramBuckets;
  negative: ExponentialHistogramBuckets;
  flags: number;
  exemplars: Exemplar[];
  min: number | undefined;
  max: number | undefined;
  zeroThreshold: number;
}

export interface ValueAtQuantile {
  quantile: number;
  value: number;
}

export interface SummaryDataPoint {
  attributes: KeyValue[];
  startTimeUnixNano: bigint;
  timeUnixNano: bigint;
  count: number;
  sum: number;
  quantileValues: ValueAtQuantile[];
  flags: number;
}

interface MetricBase {
  name: string;
  description: string;
  unit: string;
  metadata: KeyValue[];
}

export interface GaugeMetric extends MetricBase {
  type: 'gauge';
  dataPoints: NumberDataPoint[];
}

export interface SumMetric extends MetricBase {
  type: 'sum';
  dataPoints: NumberDataPoint[];
  aggregationTemporality: AggregationTemporality;
  isMonotonic: boolean;
}

export interface HistogramMetric extends MetricBase {
  type: 'histogram';
  dataPoints: HistogramDataPoint[];
  aggregationTemporality: AggregationTemporality;
}

export interface ExponentialHistogramMetric extends MetricBase {
  type: 'exponentialHistogram';
  dataPoints: ExponentialHistogramDataPoint[];
  aggregationTemporality: AggregationTemporality;
}

export interface SummaryMetric extends MetricBase {
  type: 'summary';
  dataPoints: SummaryDataPoint[];
}

/** A metric whose `data` oneof was not set. Decodable, carries no points; validation rejects it. */
export interface EmptyMetric extends MetricBase {
  type: 'empty';
}

export type Metric =
  GaugeMetric | SumMetric | HistogramMetric | ExponentialHistogramMetric | SummaryMetric | EmptyMetric;

export interface ScopeMetrics {
  scope: InstrumentationScope;
  metrics: Metric[];
  schemaUrl: string;
}

export interface ResourceMetrics {
  resource: Resource;
  scopeMetrics: ScopeMetrics[];
  schemaUrl: string;
}

/** opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest */
export interface ExportMetricsServiceRequest {
  resourceMetrics: ResourceMetrics[];
}

/** opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse */
export interface ExportMetricsServiceResponse {
  partialSuccess?: {
    rejectedDataPoints: number;
    errorMessage: string;
  };
}

/** Number of data points a metric carries (the unit OTLP partial_success counts in). */
export function dataPointCount(metric: Metric): number {
  return metric.type === 'empty' ? 0 : metric.dataPoints.length;
}
