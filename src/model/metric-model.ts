// What watchdog and gateway must agree on (docs/metrics.md §1) as code: the watchdog, the gateway's
// validation, the simulator and the load tools all import it, so the contract has one source of truth
// in TypeScript. docs/metrics.md stays the human contract; what only the gateway forwards lives in
// src/gateway/validation/metric-model.ts.

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

export const SERVICE_NAME = 'filesfu-desktop';
export const SCOPE_NAME = 'filesfu-watchdog';
export const CPU_METRIC_NAME = 'process.cpu.utilization';
export const CPU_METRIC_UNIT = '1';
export const STAGE_ATTRIBUTE = 'filesfu.app.stage';

/** Resource attribute keys (OTel semantic conventions plus `session.id`). */
export const RESOURCE_KEYS = Object.freeze({
  serviceName: 'service.name',
  serviceVersion: 'service.version',
  serviceInstanceId: 'service.instance.id',
  sessionId: 'session.id',
  osType: 'os.type',
  osVersion: 'os.version',
  hostArch: 'host.arch',
} as const);
