// Library API of the watchdog. Embedding in the app: startWatchdog({ pid: 'self', ... }).
// The fleet simulator uses createSessionTelemetry() to run simulated sessions through the real
// export path (SDK MeterProvider → spooling exporter → ordered sender).
export { startWatchdog, REPLAY_CONSENT_FILE } from './watchdog.js';
export type {
  Watchdog,
  WatchdogOptions,
  WatchdogHooks,
  WatchdogStats,
  WatchdogEndReason,
} from './watchdog.js';
export {
  parseWatchdogConfig,
  watchdogConfigSchema,
  WatchdogConfigError,
  DEFAULT_STATE_DIR,
} from './config.js';
export type { WatchdogConfig, WatchdogConfigInput } from './config.js';
export * from '../model/index.js';
export {
  createSessionTelemetry,
  SpoolingMetricExporter,
  OrderedSender,
  otlpMetricsUrl,
  DEFAULT_SPOOL_MAX_BYTES,
  DEFAULT_SPOOL_MAX_AGE_MS,
} from './export/index.js';
export type {
  SessionTelemetry,
  SessionTelemetryOptions,
  SessionTelemetryStats,
  ReplayConsentHook,
  RetrySettings,
} from './export/index.js';
export {
  localIdentity,
  logicalCpuCount,
  resourceAttributes,
  semconvHostArch,
  semconvOsType,
} from './session/index.js';
export {
  stageDetailAttributes,
  NO_DETAILS,
  STAGE_DETAIL_ATTRIBUTES,
  type StageDetailAttributes,
} from './stage/index.js';
export type { SessionIdentity } from './session/index.js';
export {
  defaultLibrarySpoolDir,
  LIBRARY_SPOOL_DIR,
  SPOOL_LOCK_FILE,
  SpoolDirInUseError,
  STATE_DIR_ENV,
} from './spool/index.js';
export { createStageReporter } from './stage/index.js';
export type { StageReporter, StageReporterOptions } from './stage/index.js';
export { createLogger, silentLogger } from './log.js';
export type { Logger, LogLevel } from './log.js';
