export { runSimulation } from './fleet-runner.js';
export type {
  SimulationOptions,
  SimulationProgress,
  SimulationResult,
  SimulationStats,
} from './fleet-runner.js';
export {
  BUILT_IN_SCENARIO_DIR,
  DEFAULT_SCENARIO,
  ScenarioError,
  listBuiltInScenarios,
  loadScenario,
  parseScenario,
  resolveScenarioPath,
} from './scenario-loader.js';
export { DEFAULT_BASELINE, DEFAULT_STAGE_MACHINE, scenarioSchema } from './scenario-schema.js';
export type { Culprit, Fault, Scenario, ScenarioInput } from './scenario-schema.js';
export { SimulatedSession, drawInstall } from './simulated-session.js';
export type { CpuSample, InstallIdentity, SessionIdentity } from './simulated-session.js';
export { loadWatchdogTelemetryFactory } from './telemetry.js';
export type { SessionTelemetry, TelemetryFactory, TelemetryOptions } from './telemetry.js';
export { signingKeyTokenSource, type TokenSource } from './tokens.js';
export { createProgressWriter, formatSummary, progressBar, progressLine } from './progress.js';
export { createRandom, type Random } from './random.js';
export { formatDuration, parseDurationMs } from './duration.js';
export { APP_STAGES, OS_TYPES, HOST_ARCHES, type AppStage, type OsType, type HostArch } from './stages.js';
