// Decodes opentelemetry.proto.collector.metrics.v1.ExportMetricsService{Request,Response} from the
// protobuf wire format straight into the model (src/otlp/model.ts).
//
// Deviations from a generated protobuf decoder, all deliberate:
// - A known field with the wrong wire type is an error, not an unknown field: at a trust boundary a
//   clear 400 beats silently dropping data.
// - A singular message field that appears twice (e.g. two `resource`s) keeps the last one instead
//   of merging them; no OTLP encoder splits messages like that.
// - Groups (wire types 3/4) are rejected; OTLP is proto3 and never uses them.

import { rethrowWithin } from '../errors.js';
import { AggregationTemporality } from '../model.js';
import type {
  ExportMetricsServiceRequest,
  ExponentialHistogramDataPoint,
  HistogramDataPoint,
  KeyValue,
  Metric,
  NumberDataPoint,
  ResourceMetrics,
  ScopeMetrics,
  SummaryDataPoint,
} from '../model.js';
import {
  decodeInstrumentationScope,
  decodeResource,
  fieldSet,
  readKeyValueInto,
  skipOrReject,
} from './decode-common.js';
import {
  decodeExponentialHistogramDataPoint,
  decodeHistogramDataPoint,
  decodeNumberDataPoint,
} from './decode-data-points.js';
import { decodeSummaryDataPoint } from './decode-summary-point.js';
import { NONE } from '../empty-list.js';
import { ProtobufReader } from './reader.js';

const REQUEST_FIELDS = fieldSet(1);
const RESOURCE_METRICS_FIELDS = fieldSet(1, 2, 3);
const SCOPE_METRICS_FIELDS = fieldSet(1, 2, 3);
const METRIC_FIELDS = fieldSet(1, 2, 3, 5, 7, 9, 10, 11, 12);
const DATA_FIELDS = fieldSet(1, 2, 3);

/** Decodes an OTLP/HTTP protobuf request body. Throws OtlpDecodeError on any malformed input. */
export function decodeExportMetricsServiceRequest(bytes: Uint8Array): ExportMetricsServiceRequest {
  const r = new ProtobufReader(bytes);
  const end = r.end;
  const resourceMetrics: ResourceMetrics[] = [];
  while (r.pos < end) {
    const tag = r.readTag();
    if (tag === 10) {
      try {
        resourceMetrics.push(decodeResourceMetrics(r, r.readLengthDelimitedEnd(end)));
      } catch (error) {
        rethrowWithin(error, 'resource_metrics', resourceMetrics.length);
      }
    } else {
      skipOrReject(r, tag, end, REQUEST_FIELDS, 'ExportMetricsServiceRequest');
    }
  }
  return { resourceMetrics };
}

function decodeResourceMetrics(r: ProtobufReader, end: number): ResourceMetrics {
  const resourceMetrics: ResourceMetrics = {
    resource: { attributes: NONE, droppedAttributesCount: 0 },
    scopeMetrics: [],
    schemaUrl: '',
  };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        try {
          resourceMetrics.resource = decodeResource(r, r.readLengthDelimitedEnd(end));
        } catch (error) {
          rethrowWithin(error, 'resource');
        }
        break;
      case 18:
        try {
          resourceMetrics.scopeMetrics.push(decodeScopeMetrics(r, r.readLengthDelimitedEnd(end)));
        } catch (error) {
          rethrowWithin(error, 'scope_metrics', resourceMetrics.scopeMetrics.length);
        }
        break;
      case 26:
        resourceMetrics.schemaUrl = r.readString(end);
        break;
      default:
        skipOrReject(r, tag, end, RESOURCE_METRICS_FIELDS, 'ResourceMetrics');
    }
  }
  r.expectEnd(end);
  return resourceMetrics;
}

function decodeScopeMetrics(r: ProtobufReader, end: number): ScopeMetrics {
  const scopeMetrics: ScopeMetrics = {
    scope: { name: '', version: '', attributes: NONE, droppedAttributesCount: 0 },
    metrics: [],
    schemaUrl: '',
  };
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        try {
          scopeMetrics.scope = decodeInstrumentationScope(r, r.readLengthDelimitedEnd(end));
        } catch (error) {
          rethrowWithin(error, 'scope');
        }
        break;
      case 18:
        try {
          scopeMetrics.metrics.push(decodeMetric(r, r.readLengthDelimitedEnd(end)));
        } catch (error) {
          rethrowWithin(error, 'metrics', scopeMetrics.metrics.length);
        }
        break;
      case 26:
        scopeMetrics.schemaUrl = r.readString(end);
        break;
      default:
        skipOrReject(r, tag, end, SCOPE_METRICS_FIELDS, 'ScopeMetrics');
    }
  }
  r.expectEnd(end);
  return scopeMetrics;
}

// The data messages (Gauge, Sum, Histogram, ExponentialHistogram, Summary) share one layout:
// 1 = data_points, 2 = aggregation_temporality, 3 = is_monotonic (Sum only). One decoder, keyed by
// the point decoder, fills the metric object in place.
type PointDecoder<P> = (r: ProtobufReader, end: number) => P;

interface DataFields<P> {
  dataPoints: P[];
  aggregationTemporality: AggregationTemporality;
  isMonotonic: boolean;
}

function decodeData<P>(
  r: ProtobufReader,
  end: number,
  decodePoint: PointDecoder<P>,
  into: DataFields<P>,
  message: string,
): void {
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        try {
          into.dataPoints.push(decodePoint(r, r.readLengthDelimitedEnd(end)));
        } catch (error) {
          rethrowWithin(error, 'data_points', into.dataPoints.length);
        }
        break;
      case 16:
        into.aggregationTemporality = r.readVarint32() as AggregationTemporality;
        break;
      case 24:
        into.isMonotonic = r.readBool();
        break;
      default:
        skipOrReject(r, tag, end, DATA_FIELDS, message);
    }
  }
  r.expectEnd(end);
}

function readData<P>(
  r: ProtobufReader,
  end: number,
  decodePoint: PointDecoder<P>,
  segment: string,
  message: string,
): DataFields<P> {
  const data: DataFields<P> = {
    dataPoints: [],
    aggregationTemporality: AggregationTemporality.Unspecified,
    isMonotonic: false,
  };
  try {
    decodeData(r, r.readLengthDelimitedEnd(end), decodePoint, data, message);
  } catch (error) {
    rethrowWithin(error, segment);
  }
  return data;
}

function decodeMetric(r: ProtobufReader, end: number): Metric {
  let name = '';
  let description = '';
  let unit = '';
  let metadata: KeyValue[] = NONE;
  // The `data` oneof: the last one on the wire wins, as protobuf specifies.
  let metric: Metric | undefined;
  while (r.pos < end) {
    const tag = r.readTag();
    switch (tag) {
      case 10:
        name = r.readString(end);
        break;
      case 18:
        description = r.readString(end);
        break;
      case 26:
        unit = r.readString(end);
        break;
      case 42: {
        const data = readData<NumberDataPoint>(r, end, decodeNumberDataPoint, 'gauge', 'Gauge');
        metric = { type: 'gauge', name, description, unit, metadata, dataPoints: data.dataPoints };
        break;
      }
      case 58: {
        const data = readData<NumberDataPoint>(r, end, decodeNumberDataPoint, 'sum', 'Sum');
        metric = { type: 'sum', name, description, unit, metadata, ...data };
        break;
      }
      case 74: {
        const data = readData<HistogramDataPoint>(r, end, decodeHistogramDataPoint, 'histogram', 'Histogram');
        metric = {
          type: 'histogram',
          name,
          description,
          unit,
          metadata,
          dataPoints: data.dataPoints,
          aggregationTemporality: data.aggregationTemporality,
        };
        break;
      }
      case 82: {
        const data = readData<ExponentialHistogramDataPoint>(
          r,
          end,
          decodeExponentialHistogramDataPoint,
          'exponential_histogram',
          'ExponentialHistogram',
        );
        metric = {
          type: 'exponentialHistogram',
          name,
          description,
          unit,
          metadata,
          dataPoints: data.dataPoints,
          aggregationTemporality: data.aggregationTemporality,
        };
        break;
      }
      case 90: {
        const data = readData<SummaryDataPoint>(r, end, decodeSummaryDataPoint, 'summary', 'Summary');
        metric = { type: 'summary', name, description, unit, metadata, dataPoints: data.dataPoints };
        break;
      }
      case 98:
        metadata = readKeyValueInto(r, end, metadata, 'metadata');
        break;
      default:
        skipOrReject(r, tag, end, METRIC_FIELDS, 'Metric');
    }
  }
  r.expectEnd(end);
  if (metric === undefined) return { type: 'empty', name, description, unit, metadata };
  // name/description/unit/metadata may follow the data on the wire.
  metric.name = name;
  metric.description = description;
  metric.unit = unit;
  metric.metadata = metadata;
  return metric;
}
