export { startStack, type Stack, type StackOptions } from './stack.js';
export { freePort, portOrFree } from './free-port.js';
export { waitFor, httpOk, type WaitOptions } from './wait.js';
export { ManagedProcess, type ManagedProcessOptions } from './managed-process.js';
export {
  queryInstant,
  queryExemplars,
  querySamples,
  PrometheusQueryError,
  type InstantSample,
  type ExemplarSeries,
} from './prometheus-client.js';
export { resolveTools, toolsDir, MissingToolError, type ToolPaths } from './tools.js';
export { renderPrometheusConfig, PROMETHEUS_FEATURE_FLAGS } from './prometheus.js';
export { repoPath } from './repo.js';
