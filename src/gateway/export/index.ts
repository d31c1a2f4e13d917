export { DEFAULT_SHUTDOWN_GRACE_MS, exportConfigSchema, exportTimeoutMs } from './export-config.js';
export type { ExportConfig } from './export-config.js';
export { ExportLoop } from './export-loop.js';
export type { ExportLoopDeps, ExportLoopMetrics } from './export-loop.js';
export { postOtlpMetrics, ExportFailedError } from './post-otlp.js';
