// What the gateway expected for each rejection reason and how to get it with a standard OpenTelemetry
// SDK (the recipes in docs/clients.md). Plain ASCII: the text also goes into HTTP reason phrases.
import {
  CPU_BUCKETS,
  CPU_METRIC_NAME,
  KNOWN_OS_TYPES,
  RESOURCE_KEYS,
  STAGE_ATTRIBUTE,
} from '../../model/index.js';
import type { RejectReason } from './reasons.js';
import { MAX_SESSION_ID_LENGTH, MIN_SESSION_ID_LENGTH } from './session-id.js';

/** The settings and facts a message quotes. */
export interface MessageContext {
  /** The install id of the request's credential. */
  installId: string;
  maxAttributes: number;
  maxAttributeValueBytes: number;
  maxPointAgeMs: number;
  maxFutureSkewMs: number;
  /** Longest message answered to a client (characters, at least 512). */
  maxErrorMessageChars: number;
}

const BOUNDS = `[${CPU_BUCKETS.join(', ')}]`;
const GOT = (got: string | undefined): string => (got === undefined ? '' : ` (got ${got})`);

type Fix = (context: MessageContext, got: string | undefined) => string;

const FIXES: Record<RejectReason, Fix> = {
  install_id_mismatch: (c, got) =>
    `resource attribute ${RESOURCE_KEYS.serviceInstanceId} must be the install id this token was issued for, "${c.installId}"${GOT(got)}. Set ${RESOURCE_KEYS.serviceInstanceId}=${c.installId} on the Resource (SDKs default it to a random UUID), or send this install's own token.`,
  missing_instance_id: (c) =>
    `expected resource attribute ${RESOURCE_KEYS.serviceInstanceId}: the install id this token was issued for. Set ${RESOURCE_KEYS.serviceInstanceId}=${c.installId} on the Resource (e.g. OTEL_RESOURCE_ATTRIBUTES=${RESOURCE_KEYS.serviceInstanceId}=${c.installId}).`,
  missing_session_id: () =>
    `expected resource attribute ${RESOURCE_KEYS.sessionId}: a new random UUID per app run. Set it on the Resource in code (Python: Resource.create({"${RESOURCE_KEYS.sessionId}": str(uuid.uuid4()), ...}); JS: resourceFromAttributes({"${RESOURCE_KEYS.sessionId}": randomUUID(), ...})).`,
  invalid_session_id: (c, got) =>
    `${RESOURCE_KEYS.sessionId} must be ${MIN_SESSION_ID_LENGTH} to ${MAX_SESSION_ID_LENGTH} letters, digits and '-', starting with a letter or digit; a UUID v4 is right${GOT(got)}.`,
  missing_version: () =>
    `expected resource attribute ${RESOURCE_KEYS.serviceVersion}: the app version, e.g. OTEL_RESOURCE_ATTRIBUTES=${RESOURCE_KEYS.serviceVersion}=1.2.3 or on the Resource in code.`,
  missing_os_type: () =>
    `expected resource attribute ${RESOURCE_KEYS.osType}: one of ${KNOWN_OS_TYPES.join(', ')} (Python: platform.system().lower(); Node: process.platform with win32 -> windows).`,
  too_many_attributes: (c) =>
    `at most ${c.maxAttributes} attributes per resource and per point; remove attributes (a View can keep only ${STAGE_ATTRIBUTE}).`,
  attribute_value_too_long: (c) =>
    `attribute values may be at most ${c.maxAttributeValueBytes} bytes (UTF-8); shorten the value.`,
  wrong_metric_type: (_c, got) =>
    `${CPU_METRIC_NAME} must be a Histogram${GOT(got)}: create it with meter.create_histogram / meter.createHistogram and record each CPU sample (share of all logical CPUs, 0..1) with record().`,
  wrong_temporality: (_c, got) =>
    `${CPU_METRIC_NAME} must use DELTA temporality${GOT(got)}. Set OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta, or in code: Python OTLPMetricExporter(preferred_temporality={Histogram: AggregationTemporality.DELTA}); JS temporalityPreference: AggregationTemporalityPreference.DELTA (or a reader whose aggregationTemporality returns DELTA).`,
  incompatible_buckets: (_c, got) =>
    `histogram bounds must contain ${BOUNDS}${GOT(got)}. Set them with instrument advice (Python: meter.create_histogram("${CPU_METRIC_NAME}", unit="1", explicit_bucket_boundaries_advisory=${BOUNDS}); JS: meter.createHistogram("${CPU_METRIC_NAME}", { unit: "1", advice: { explicitBucketBoundaries: ${BOUNDS} } })) or a View with ExplicitBucketHistogramAggregation(${BOUNDS}); bucket_counts must have one entry more than the bounds.`,
  count_mismatch: () =>
    'histogram count must equal the sum of its bucket_counts (an SDK does this; a hand-built point is wrong).',
  nan_value: () => 'sum, min, max and the bounds must be finite; record only finite values.',
  negative_value: () =>
    'counts, sum, min and max must not be negative: CPU utilization is a share of all logical CPUs, 0..1.',
  invalid_timestamps: () =>
    'each point needs start_time_unix_nano > 0 and <= time_unix_nano (a DELTA interval; the SDK sets both).',
  timestamp_too_old: (c) =>
    `points may be at most ${Math.round(c.maxPointAgeMs / 1000)} s old; export more often and do not replay older data.`,
  timestamp_in_future: (c) =>
    `points may be at most ${Math.round(c.maxFutureSkewMs / 1000)} s in the future; fix the client clock (NTP).`,
};

/** What was expected for `reason` and how to get it; `got` is what the client sent, if known. */
export function rejectionFix(reason: RejectReason, context: MessageContext, got?: string): string {
  return FIXES[reason](context, got);
}
