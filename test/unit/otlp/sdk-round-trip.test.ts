// The decoders against the OTel JS SDK's own serializers, for every metric type the SDK emits, in
// both temporalities; then our encoders back through our decoders.

import type { HrTime } from '@opentelemetry/api';
import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import {
  AggregationTemporality as SdkTemporality,
  DataPointType,
  type Histogram as SdkHistogram,
  type ExponentialHistogram as SdkExponentialHistogram,
  type MetricData,
  type ResourceMetrics as SdkResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import {
  AggregationTemporality,
  KeyValueList,
  decodeExportMetricsServiceRequest,
  decodeExportMetricsServiceRequestJson,
  decodeExportMetricsServiceRequestJsonBytes,
  decodeExportMetricsServiceResponse,
  encodeExportMetricsServiceRequest,
  encodeExportMetricsServiceRequestJson,
  encodeExportMetricsServiceResponse,
  encodeExportMetricsServiceResponseJson,
} from '../../../src/otlp/index.js';
import type { AnyValue, ExportMetricsServiceRequest, KeyValue, Metric } from '../../../src/otlp/index.js';
import { collectSdkMetrics, SDK_RESOURCE_ATTRIBUTES } from './sdk-fixtures.js';

function nanos(time: HrTime): bigint {
  return BigInt(time[0]) * 1_000_000_000n + BigInt(time[1]);
}

/** Our attributes as a plain object, the shape the SDK uses. */
function attributesObject(attributes: KeyValue[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of attributes) out[key] = plain(value);
  return out;
}

function plain(value: AnyValue): unknown {
  if (value instanceof KeyValueList) return attributesObject(value.values);
  if (Array.isArray(value)) return value.map(plain);
  return value;
}

const EXPECTED_TYPE: Record<DataPointType, Metric['type']> = {
  [DataPointType.GAUGE]: 'gauge',
  [DataPointType.SUM]: 'sum',
  [DataPointType.HISTOGRAM]: 'histogram',
  [DataPointType.EXPONENTIAL_HISTOGRAM]: 'exponentialHistogram',
};

function expectedTemporality(temporality: SdkTemporality): AggregationTemporality {
  return temporality === SdkTemporality.DELTA
    ? AggregationTemporality.Delta
    : AggregationTemporality.Cumulative;
}

function expectMetricMatchesSdk(metric: Metric, sdk: MetricData): void {
  expect(metric.name).toBe(sdk.descriptor.name);
  expect(metric.description).toBe(sdk.descriptor.description);
  expect(metric.unit).toBe(sdk.descriptor.unit);
  expect(metric.type).toBe(EXPECTED_TYPE[sdk.dataPointType]);
  if (metric.type === 'empty' || metric.type === 'summary') throw new Error(`unexpected ${metric.type}`);
  expect(metric.dataPoints).toHaveLength(sdk.dataPoints.length);
  if (metric.type !== 'gauge') {
    expect(metric.aggregationTemporality).toBe(expectedTemporality(sdk.aggregationTemporality));
  }
  if (metric.type === 'sum' && sdk.dataPointType === DataPointType.SUM) {
    expect(metric.isMonotonic).toBe(sdk.isMonotonic);
  }
  sdk.dataPoints.forEach((sdkPoint, i) => {
    const point = metric.dataPoints[i]!;
    expect(attributesObject(point.attributes)).toEqual(sdkPoint.attributes);
    expect(point.startTimeUnixNano).toBe(nanos(sdkPoint.startTime));
    expect(point.timeUnixNano).toBe(nanos(sdkPoint.endTime));
    expect(point.exemplars).toEqual([]);
    expect(point.flags).toBe(0);
    if (metric.type === 'gauge' || metric.type === 'sum') {
      const numberPoint = metric.dataPoints[i]!;
      expect(numberPoint.value).toBe(sdkPoint.value);
      expect(numberPoint.valueType).toBe(sdk.descriptor.valueType === ValueType.INT ? 'int' : 'double');
    } else if (metric.type === 'histogram') {
      const histogramPoint = metric.dataPoints[i]!;
      const sdkHistogram = sdkPoint.value as SdkHistogram;
      expect(histogramPoint.count).toBe(sdkHistogram.count);
      expect(histogramPoint.sum).toBe(sdkHistogram.sum);
      expect(histogramPoint.min).toBe(sdkHistogram.min);
      expect(histogramPoint.max).toBe(sdkHistogram.max);
      expect(histogramPoint.bucketCounts).toEqual(sdkHistogram.buckets.counts);
      expect(histogramPoint.explicitBounds).toEqual(sdkHistogram.buckets.boundaries);
    } else {
      const exponentialPoint = metric.dataPoints[i]!;
      const sdkHistogram = sdkPoint.value as SdkExponentialHistogram;
      expect(exponentialPoint.count).toBe(sdkHistogram.count);
      expect(exponentialPoint.sum).toBe(sdkHistogram.sum);
      expect(exponentialPoint.min).toBe(sdkHistogram.min);
      expect(exponentialPoint.max).toBe(sdkHistogram.max);
      expect(exponentialPoint.scale).toBe(sdkHistogram.scale);
      expect(exponentialPoint.zeroCount).toBe(sdkHistogram.zeroCount);
      expect(exponentialPoint.positive).toEqual(sdkHistogram.positive);
      expect(exponentialPoint.negative).toEqual(sdkHistogram.negative);
      expect(exponentialPoint.zeroThreshold).toBe(0);
    }
  });
}

function expectMatchesSdk(request: ExportMetricsServiceRequest, sdk: SdkResourceMetrics): void {
  expect(request.resourceMetrics).toHaveLength(1);
  const resourceMetrics = request.resourceMetrics[0]!;
  expect(attributesObject(resourceMetrics.resource.attributes)).toEqual(sdk.resource.attributes);
  expect(attributesObject(resourceMetrics.resource.attributes)).toEqual(SDK_RESOURCE_ATTRIBUTES);
  expect(resourceMetrics.scopeMetrics).toHaveLength(sdk.scopeMetrics.length);
  sdk.scopeMetrics.forEach((sdkScope, s) => {
    const scopeMetrics = resourceMetrics.scopeMetrics[s]!;
    expect(scopeMetrics.scope.name).toBe(sdkScope.scope.name);
    expect(scopeMetrics.scope.version).toBe(sdkScope.scope.version);
    expect(scopeMetrics.schemaUrl).toBe(sdkScope.scope.schemaUrl ?? '');
    expect(scopeMetrics.metrics).toHaveLength(sdkScope.metrics.length);
    sdkScope.metrics.forEach((sdkMetric, m) => expectMetricMatchesSdk(scopeMetrics.metrics[m]!, sdkMetric));
  });
}

describe.each([
  ['DELTA', SdkTemporality.DELTA],
  ['CUMULATIVE', SdkTemporality.CUMULATIVE],
])('SDK-produced %s metrics', (_name, temporality) => {
  it('covers every metric type the SDK emits', async () => {
    const sdk = await collectSdkMetrics(temporality);
    const types = new Set(sdk.scopeMetrics.flatMap((s) => s.metrics.map((m) => m.dataPointType)));
    expect([...types].sort()).toEqual(
      [
        DataPointType.GAUGE,
        DataPointType.SUM,
        DataPointType.HISTOGRAM,
        DataPointType.EXPONENTIAL_HISTOGRAM,
      ].sort(),
    );
  });

  it('decodes the SDK protobuf serializer output field by field', async () => {
    const sdk = await collectSdkMetrics(temporality);
    const bytes = ProtobufMetricsSerializer.serializeRequest(sdk);
    if (bytes === undefined) throw new Error('SDK serializer returned nothing');
    expectMatchesSdk(decodeExportMetricsServiceRequest(bytes), sdk);
  });

  it('decodes the SDK JSON serializer output field by field, identically to protobuf', async () => {
    const sdk = await collectSdkMetrics(temporality);
    const json = JsonMetricsSerializer.serializeRequest(sdk);
    const protobuf = ProtobufMetricsSerializer.serializeRequest(sdk);
    if (json === undefined || protobuf === undefined) throw new Error('SDK serializer returned nothing');
    const fromJson = decodeExportMetricsServiceRequestJsonBytes(json);
    expectMatchesSdk(fromJson, sdk);
    expect(fromJson).toEqual(decodeExportMetricsServiceRequest(protobuf));
  });

  it('re-encodes to protobuf and JSON and decodes to the same model', async () => {
    const sdk = await collectSdkMetrics(temporality);
    const bytes = ProtobufMetricsSerializer.serializeRequest(sdk);
    if (bytes === undefined) throw new Error('SDK serializer returned nothing');
    const decoded = decodeExportMetricsServiceRequest(bytes);
    expect(decodeExportMetricsServiceRequest(encodeExportMetricsServiceRequest(decoded))).toEqual(decoded);
    expect(decodeExportMetricsServiceRequestJson(encodeExportMetricsServiceRequestJson(decoded))).toEqual(
      decoded,
    );
  });
});

describe('responses', () => {
  it('our protobuf response is read by the SDK exporter, and decodes back', () => {
    const response = { partialSuccess: { rejectedDataPoints: 3, errorMessage: 'unknown stage' } };
    const bytes = encodeExportMetricsServiceResponse(response);
    expect(ProtobufMetricsSerializer.deserializeResponse(bytes)).toEqual(response);
    expect(decodeExportMetricsServiceResponse(bytes)).toEqual(response);
    expect(decodeExportMetricsServiceResponse(encodeExportMetricsServiceResponse({}))).toEqual({});
  });

  it('our JSON response is read by the SDK exporter', () => {
    const json = encodeExportMetricsServiceResponseJson({
      partialSuccess: { rejectedDataPoints: 2, errorMessage: 'x' },
    });
    const parsed = JsonMetricsSerializer.deserializeResponse(new TextEncoder().encode(json));
    expect(parsed.partialSuccess?.errorMessage).toBe('x');
    expect(Number(parsed.partialSuccess?.rejectedDataPoints)).toBe(2);
    expect(encodeExportMetricsServiceResponseJson({})).toBe('{}');
  });
});
