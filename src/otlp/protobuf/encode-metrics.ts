// Encodes the model back to the protobuf wire format: the gateway forwards its aggregated series to
// the collector with this. Default-valued proto3 fields are omitted, as protobuf encoders do.
// An AnyValue number is written as int_value when it is an integer in int64 range, else as
// double_value (the model does not remember which it was; the OTel SDK makes the same choice).

import type {
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  Metric,
  ResourceMetrics,
  ScopeMetrics,
} from '../model.js';
import {
  LengthDelimited,
  Varint,
  writeAttributes,
  writeResource,
  writeScope,
  writeString,
  writeUint32,
} from './encode-common.js';
import {
  writeExponentialHistogramDataPoint,
  writeHistogramDataPoint,
  writeNumberDataPoint,
  writeSummaryDataPoint,
} from './encode-data-points.js';
import { ProtobufWriter } from './writer.js';

export function encodeExportMetricsServiceRequest(request: ExportMetricsServiceRequest): Uint8Array {
  const w = new ProtobufWriter();
  for (const resourceMetrics of request.resourceMetrics) {
    w.tag(1, LengthDelimited);
    writeResourceMetrics(w, resourceMetrics);
  }
  return w.finish();
}

export function encodeExportMetricsServiceResponse(response: ExportMetricsServiceResponse): Uint8Array {
  const w = new ProtobufWriter(64);
  const partial = response.partialSuccess;
  if (partial !== undefined) {
    w.tag(1, LengthDelimited);
    const start = w.beginLengthDelimited();
    if (partial.rejectedDataPoints !== 0) {
      w.tag(1, Varint);
      w.int64(partial.rejectedDataPoints);
    }
    writeString(w, 2, partial.errorMessage);
    w.endLengthDelimited(start);
  }
  return w.finish();
}

function writeResourceMetrics(w: ProtobufWriter, resourceMetrics: ResourceMetrics): void {
  const start = w.beginLengthDelimited();
  w.tag(1, LengthDelimited);
  writeResource(w, resourceMetrics.resource);
  for (const scopeMetrics of resourceMetrics.scopeMetrics) {
    w.tag(2, LengthDelimited);
    writeScopeMetrics(w, scopeMetrics);
  }
  writeString(w, 3, resourceMetrics.schemaUrl);
  w.endLengthDelimited(start);
}

function writeScopeMetrics(w: ProtobufWriter, scopeMetrics: ScopeMetrics): void {
  const start = w.beginLengthDelimited();
  w.tag(1, LengthDelimited);
  writeScope(w, scopeMetrics.scope);
  for (const metric of scopeMetrics.metrics) {
    w.tag(2, LengthDelimited);
    writeMetric(w, metric);
  }
  writeString(w, 3, scopeMetrics.schemaUrl);
  w.endLengthDelimited(start);
}

function writeMetric(w: ProtobufWriter, metric: Metric): void {
  const start = w.beginLengthDelimited();
  writeString(w, 1, metric.name);
  writeString(w, 2, metric.description);
  writeString(w, 3, metric.unit);
  switch (metric.type) {
    case 'gauge': {
      w.tag(5, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeNumberDataPoint(w, point);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'sum': {
      w.tag(7, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeNumberDataPoint(w, point);
      writeUint32(w, 2, metric.aggregationTemporality);
      if (metric.isMonotonic) {
        w.tag(3, Varint);
        w.bool(true);
      }
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'histogram': {
      w.tag(9, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeHistogramDataPoint(w, point);
      writeUint32(w, 2, metric.aggregationTemporality);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'exponentialHistogram': {
      w.tag(10, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeExponentialHistogramDataPoint(w, point);
      writeUint32(w, 2, metric.aggregationTemporality);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'summary': {
      w.tag(11, LengthDelimited);
      const dataStart = w.beginLengthDelimited();
      for (const point of metric.dataPoints) writeSummaryDataPoint(w, point);
      w.endLengthDelimited(dataStart);
      break;
    }
    case 'empty':
      break;
  }
  writeAttributes(w, 12, metric.metadata);
  w.endLengthDelimited(start);
}
