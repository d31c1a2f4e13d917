export { runSimulation } from './fleet-runner.js';
export type {
  SimulationOptions,
  SimulationProgress,
  SimulationResult,
  SimulationStats,
} from './fleet-runner.js';
export {
  runSimulatedClock,
  DEFAULT_WINDOW_SECONDS,
  DEFAULT_WINDOW_GRACE_SECONDS,
} from './simulated-clock.js';
export type {
  SimulatedClockOptions,
  SimulatedClockProgress,
  SimulatedClockResult,
  SimulatedClockStats,
} from './simulated-clock.js';
export { TruthCounter, truthOverRate, truthTotals } from './ground-truth.js';
export type { FamilyName, GroundTruth, TruthCell } from './ground-truth.js';
export { waitForClosedWindows, type InstantQuery, type WindowWaitOptions } from './window-wait.js';
export { gatewayConfigFor, type GatewayWindowSettings } from './gateway-settings.js';
export { acceptAll, createHttpSender, type RequestSender, type SendOutcome } from './request-sender.js';
export { backdatedPeriod, type SimulatedPeriod } from './time-plan.js';
export { versionSharesAt, drawVersion } from './version-schedule.js';
export {
  BUILT_IN_SCENARIO_DIR,
  DEFAULT_SCENARIO,
  ScenarioError,
  listBuiltInScenarios,
  loadScenario,
  parseScenario,
  resolveScenarioPath,
} from './scenario-loader.js';
export { scenarioSchema } from './scenario-schema.js';
export { DEFAULT_BASELINE, DEFAULT_STAGE_MACHINE, DEFAULT_DETAIL_DIMENSIONS } from './stage-defaults.js';
export type { ExpectedCulprit, Fault, ModelSettings, Scenario, ScenarioInput } from './scenario-schema.js';
export { SimulatedSession, drawInstall, drawSessionSeconds } from './simulated-session.js';
export type { CpuSample, InstallIdentity, SessionIdentity } from './simulated-session.js';
export { loadWatchdogTelemetryFactory } from './telemetry.js';
export type { SessionTelemetry, TelemetryFactory, TelemetryOptions } from './telemetry.js';
export { signingKeyTokenSource, type TokenSource } from './tokens.js';
export {
  createProgressWriter,
  formatCulprits,
  formatSummary,
  progressBar,
  progressLine,
} from './progress.js';
export { formatSimulatedSummary, simulatedProgressLine } from './simulated-summary.js';
export { createRandom, type Random } from './random.js';
export { formatDuration, parseDurationMs } from './duration.js';
export {
  APP_STAGES,
  OS_TYPES,
  OS_VERSIONS,
  HOST_ARCHES,
  type AppStage,
  type OsType,
  type HostArch,
} from './stages.js';
