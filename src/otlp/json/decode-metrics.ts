// Decodes OTLP/JSON (ExportMetricsServiceRequest/Response) straight into the model. Field names
// are lowerCamelCase, with the original snake_case names accepted too; unknown fields are ignored.

import { OtlpDecodeError, rethrowWithin } from '../errors.js';
import type {
  AggregationTemporality,
  ExportMetricsServiceRequest,
  ExportMetricsServiceResponse,
  Metric,
  ResourceMetrics,
  ScopeMetrics,
} from '../model.js';
import {
  decodeInstrumentationScope,
  decodeKeyValues,
  decodeList,
  decodeResource,
  within,
} from './decode-common.js';
import {
  decodeExponentialHistogramDataPoint,
  decodeHistogramDataPoint,
  decodeNumberDataPoint,
  decodeSummaryDataPoint,
} from './decode-data-points.js';
import { checkJsonNestingDepth } from './nesting-depth.js';
import { asBool, asEnum, asInt64, asObject, asString, field } from './scalars.js';
import type { JsonObject } from './scalars.js';

const TEMPORALITY_NAMES = [
  'AGGREGATION_TEMPORALITY_UNSPECIFIED',
  'AGGREGATION_TEMPORALITY_DELTA',
  'AGGREGATION_TEMPORALITY_CUMULATIVE',
] as const;

// fatal: a body that is not UTF-8 is malformed, not something to paper over with U+FFFD.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Parses and decodes an OTLP/JSON request body given as text. */
export function decodeExportMetricsServiceRequestJson(text: string): ExportMetricsServiceRequest {
  checkJsonNestingDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  return decodeExportMetricsServiceRequestJsonValue(parsed);
}

/** Decodes an OTLP/JSON request body given as raw bytes (must be UTF-8). */
export function decodeExportMetricsServiceRequestJsonBytes(bytes: Uint8Array): ExportMetricsServiceRequest {
  let text: string;
  try {
    text = utf8Decoder.decode(bytes);
  } catch {
    throw new OtlpDecodeError('request body is not valid UTF-8');
  }
  return decodeExportMetricsServiceRequestJson(text);
}

/** Decodes an already-parsed OTLP/JSON request (the value JSON.parse returned). */
export function decodeExportMetricsServiceRequestJsonValue(value: unknown): ExportMetricsServiceRequest {
  const object = asObject(value, 'ExportMetricsServiceRequest');
  return {
    resourceMetrics: decodeList(
      field(object, 'resourceMetrics', 'resource_metrics'),
      'resourceMetrics',
      decodeResourceMetrics,
    ),
  };
}

/** Decodes an OTLP/JSON ExportMetricsServiceResponse from text (an empty body means success). */
export function decodeExportMetricsServiceResponseJson(text: string): ExportMetricsServiceResponse {
  if (text.trim() === '') return {};
  checkJsonNestingDepth(text);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpDecodeError(`invalid JSON: ${(error as Error).message}`);
  }
  const object = asObject(parsed, 'ExportMetricsServiceResponse');
  const partial = field(object, 'partialSuccess', 'partial_success');
  if (partial === undefined) return {};
  try {
    const p = asObject(partial, 'partialSuccess');
    return {
      partialSuccess: {
        rejectedDataPoints: asInt64(
          field(p, 'rejectedDataPoints', 'rejected_data_points') ?? 0,
          'rejectedDataPoints',
        ),
        errorMessage: asString(field(p, 'errorMessage', 'error_message'), 'errorMessage'),
      },
    };
  } catch (error) {
    rethrowWithin(error, 'partialSuccess');
  }
}

function decodeResourceMetrics(value: unknown): ResourceMetrics {
  const object = asObject(value, 'ResourceMetrics');
  return {
    resource: within('resource', () => decodeResource(field(object, 'resource', 'resource'))),
    scopeMetrics: decodeList(
      field(object, 'scopeMetrics', 'scope_metrics'),
      'scopeMetrics',
      decodeScopeMetrics,
    ),
    schemaUrl: asString(field(object, 'schemaUrl', 'schema_url'), 'schemaUrl'),
  };
}

function decodeScopeMetrics(value: unknown): ScopeMetrics {
  const object = asObject(value, 'ScopeMetrics');
  return {
    scope: within('scope', () => decodeInstrumentationScope(field(object, 'scope', 'scope'))),
    metrics: decodeList(field(object, 'metrics', 'metrics'), 'metrics', decodeMetric),
    schemaUrl: asString(field(object, 'schemaUrl', 'schema_url'), 'schemaUrl'),
  };
}

function temporalityOf(data: JsonObject): AggregationTemporality {
  return asEnum(
    field(data, 'aggregationTemporality', 'aggregation_temporality'),
    TEMPORALITY_NAMES,
    'aggregationTemporality',
  ) as AggregationTemporality;
}

function decodeMetric(value: unknown): Metric {
  const object = asObject(value, 'Metric');
  const name = asString(field(object, 'name', 'name'), 'name');
  const description = asString(field(object, 'description', 'description'), 'description');
  const unit = asString(field(object, 'unit', 'unit'), 'unit');
  const metadata = decodeKeyValues(field(object, 'metadata', 'metadata'), 'metadata');
  const base = { name, description, unit, metadata };
  let data: unknown;
  if ((data = field(object, 'gauge', 'gauge')) !== undefined) {
    return within('gauge', () => {
      const gauge = asObject(data, 'gauge');
      return { type: 'gauge', ...base, dataPoints: pointsOf(gauge, decodeNumberDataPoint) };
    });
  }
  if ((data = field(object, 'sum', 'sum')) !== undefined) {
    return within('sum', () => {
      const sum = asObject(data, 'sum');
      return {
        type: 'sum',
        ...base,
        dataPoints: pointsOf(sum, decodeNumberDataPoint),
        aggregationTemporality: temporalityOf(sum),
        isMonotonic: asBool(field(sum, 'isMonotonic', 'is_monotonic'), 'isMonotonic'),
      };
    });
  }
  if ((data = field(object, 'histogram', 'histogram')) !== undefined) {
    return within('histogram', () => {
      const histogram = asObject(data, 'histogram');
      return {
        type: 'histogram',
        ...base,
        dataPoints: pointsOf(histogram, decodeHistogramDataPoint),
        aggregationTemporality: temporalityOf(histogram),
      };
    });
  }
  if ((data = field(object, 'exponentialHistogram', 'exponential_histogram')) !== undefined) {
    return within('exponentialHistogram', () => {
      const histogram = asObject(data, 'exponentialHistogram');
      return {
        type: 'exponentialHistogram',
        ...base,
        dataPoints: pointsOf(histogram, decodeExponentialHistogramDataPoint),
        aggregationTemporality: temporalityOf(histogram),
      };
    });
  }
  if ((data = field(object, 'summary', 'summary')) !== undefined) {
    return within('summary', () => {
      const summary = asObject(data, 'summary');
      return { type: 'summary', ...base, dataPoints: pointsOf(summary, decodeSummaryDataPoint) };
    });
  }
  return { type: 'empty', ...base };
}

function pointsOf<P>(data: JsonObject, decodePoint: (value: unknown) => P): P[] {
  return decodeList(field(data, 'dataPoints', 'data_points'), 'dataPoints', decodePoint);
}
