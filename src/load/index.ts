export { runLoad, type LoadMode, type LoadRunOptions, type LoadRunResult } from './driver.js';
export { rampSessions, stepLimit, type RampOptions, type RampResult, type RampStep } from './ramp.js';
export { WindowRecorder, classifyStatus, type WindowStats, type Outcome } from './latency.js';
export { ProcessCpuMonitor, type CpuReading, type WatchedProcess } from './process-cpu.js';
export {
  generatePayloadFiles,
  PAYLOAD_MANIFEST_VERSION,
  type PayloadManifest,
  type PayloadManifestEntry,
  type GeneratePayloadOptions,
} from './payload-files.js';
export {
  protobufTemplate,
  jsonTemplate,
  patchProtobuf,
  fillJsonTemplate,
  JSON_PLACEHOLDERS,
  SESSION_ID_SENTINEL,
  type ProtobufTemplate,
} from './payload-templates.js';
export {
  sessionExportRequest,
  watchdogResourceMetrics,
  cpuHistogramPoint,
  msToNanos,
  type LoadSessionIdentity,
  type StageSamples,
} from './session-export.js';
export { loadSessionIdentity, intervalSamples, LOAD_VERSIONS } from './load-fleet.js';
export { formatWindow, formatRamp, formatRampStep, gatewayCpuMsPerRequest } from './report-format.js';
export {
  SampleLedger,
  LOSS_CAUSES,
  ledgerBalances,
  addLedgers,
  formatLedger,
  type Batch,
  type LedgerSnapshot,
  type LossCause,
} from './sample-ledger.js';
export { rejectedDataPoints } from './partial-success.js';
export { mayHaveBeenCounted } from './unanswered.js';
