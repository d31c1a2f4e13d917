// What a watchdog (or any OTLP client) sends and the gateway accepts: the wire contract of
// docs/metrics.md §1. The watchdog, the gateway's validation, the simulator and the load tools import it.
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import {
  ATTR_HOST_ARCH,
  ATTR_OS_TYPE,
  ATTR_OS_VERSION,
  ATTR_SERVICE_INSTANCE_ID,
  ATTR_SESSION_ID,
  METRIC_PROCESS_CPU_UTILIZATION,
} from '@opentelemetry/semantic-conventions/incubating';

/** Explicit bucket bounds of `process.cpu.utilization`. Every session threshold is one of these bounds. */
export const CPU_BUCKETS: readonly number[] = Object.freeze([0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1]);

/** Stages the gateway keeps as label values; anything else becomes `other` there (not here). */
export const KNOWN_STAGES = Object.freeze([
  'starting',
  'login',
  'idle',
  'indexing',
  'sending',
  'receiving',
  'syncing',
  'shutdown',
] as const);
export type KnownStage = (typeof KNOWN_STAGES)[number];

/** The stage used before the app reports one. */
export const INITIAL_STAGE: KnownStage = 'starting';

export const KNOWN_OS_TYPES = Object.freeze(['linux', 'darwin', 'windows'] as const);
export type KnownOsType = (typeof KNOWN_OS_TYPES)[number];

export const SERVICE_NAME = 'filesfu-desktop';
export const SCOPE_NAME = 'filesfu-watchdog';
export const CPU_METRIC_NAME: string = METRIC_PROCESS_CPU_UTILIZATION;
export const CPU_METRIC_UNIT = '1';
export const STAGE_ATTRIBUTE = 'filesfu.app.stage';

/** Resource attribute keys (OTel semantic conventions, plus our logical core count). */
export const RESOURCE_KEYS = Object.freeze({
  serviceName: ATTR_SERVICE_NAME,
  serviceVersion: ATTR_SERVICE_VERSION,
  serviceInstanceId: ATTR_SERVICE_INSTANCE_ID,
  sessionId: ATTR_SESSION_ID,
  osType: ATTR_OS_TYPE,
  osVersion: ATTR_OS_VERSION,
  hostArch: ATTR_HOST_ARCH,
  /** Logical CPUs of the machine (integer); semconv has a metric for it but no resource attribute. */
  cpuLogicalCount: 'filesfu.host.cpu.logical_count',
} as const);

/**
 * Numeric facts the app may attach to a stage event (`{"type":"stage",…,"detail":{…}}`) and the
 * point attribute the watchdog exports each as (integer values only). Which of them become report
 * dimensions, and with which bucket bounds, is the gateway's setting (`pipeline.details`).
 */
export const STAGE_DETAILS = Object.freeze([
  { eventKey: 'fileNameLength', attribute: 'filesfu.file.name.length', unit: 'characters' },
  { eventKey: 'fileSizeBytes', attribute: 'filesfu.file.size', unit: 'bytes' },
  { eventKey: 'fileCount', attribute: 'filesfu.file.count', unit: 'files' },
] as const);
