export {
  createHttpPoster,
  otlpMetricsUrl,
  type Poster,
  type PostResult,
  type HttpPosterOptions,
} from './http-poster.js';
export {
  classifyResult,
  parseRetryAfter,
  backoffDelayMs,
  DEFAULT_RETRY,
  type RetrySettings,
  type Outcome,
} from './retry-policy.js';
export { readPartialSuccess, type PartialSuccess } from './partial-success.js';
export { OrderedSender, type OrderedSenderOptions, type SenderStats } from './ordered-sender.js';
export {
  SpoolingMetricExporter,
  countDataPoints,
  type SpoolingMetricExporterOptions,
} from './spooling-exporter.js';
export {
  createReplayConsentGate,
  askFileConsent,
  alwaysConsent,
  neverConsent,
  type ReplayConsentHook,
  type ReplayConsentOptions,
} from './replay-consent.js';
export {
  createSessionTelemetry,
  DEFAULT_SPOOL_MAX_BYTES,
  DEFAULT_SPOOL_MAX_AGE_MS,
  type SessionTelemetry,
  type SessionTelemetryOptions,
  type SessionTelemetryStats,
} from './session-telemetry.js';
