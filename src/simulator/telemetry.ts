// The seam between a simulated session and the REAL export path: the watchdog's session telemetry
// (OTel SDK meter provider + our OTLP exporter). Tests inject a recording fake through
// `TelemetryFactory`; the CLI, the scenario tests and the demo use the real one.
import type { AppStage } from './stages.js';
import type { SessionIdentity } from './simulated-session.js';

export interface SessionTelemetry {
  recordCpu(utilization: number, stage: AppStage): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
  /** Delivery accounting, read once after shutdown (the watchdog's telemetry provides it). */
  stats?(): Promise<TelemetryDeliveryStats>;
}

export interface TelemetryDeliveryStats {
  sender: {
    delivered: number;
    deadLettered: number;
    retries: number;
    rejectedDataPoints: number;
    lastError: string | undefined;
  };
  spool: { backlogEntries: number };
}

export interface TelemetryOptions {
  identity: SessionIdentity;
  endpoint: string;
  token: string;
  exportIntervalMs: number;
}

const SHUTDOWN_DRAIN_TIMEOUT_MS = 30_000;

export type TelemetryFactory = (options: TelemetryOptions) => SessionTelemetry;

/**
 * The watchdog library's telemetry, spool disabled: a simulated session has no disk of its own.
 * A simulated session may wait longer than a real app for its last exports at shutdown: nothing
 * exits underneath it, and an undelivered export would silently shrink the scenario.
 */
export async function loadWatchdogTelemetryFactory(): Promise<TelemetryFactory> {
  const { createSessionTelemetry } = await import('../watchdog/index.js');
  return (options) =>
    createSessionTelemetry({
      identity: options.identity,
      endpoint: options.endpoint,
      token: options.token,
      exportIntervalMs: options.exportIntervalMs,
      spoolDir: false,
      shutdownDrainTimeoutMs: SHUTDOWN_DRAIN_TIMEOUT_MS,
    });
}
