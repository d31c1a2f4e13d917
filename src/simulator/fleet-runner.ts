// Real-clock mode: runs many concurrent simulated sessions in one process through the real export path
// (the watchdog's OTel SDK telemetry). The simulated-clock mode is simulated-clock.ts.
//
// Time compression, honestly: every recorded sample stands for one simulated second of one session,
// and a session records K of them per real second. Exports still happen every real
// `exportIntervalMs` with real timestamps, so nothing downstream sees a forged clock; it sees sessions
// whose histograms fill K times faster. The triage works on sample and session COUNTS, which are
// exactly what a real fleet with K times as much wall time would produce. See docs/simulator.md.
import { createRandom, type Random } from './random.js';
import type { Scenario } from './scenario-schema.js';
import {
  SimulatedSession,
  drawInstall,
  drawSessionSeconds,
  type InstallIdentity,
} from './simulated-session.js';
import type { SessionTelemetry, TelemetryFactory } from './telemetry.js';
import type { TokenSource } from './tokens.js';
import { drawVersion } from './version-schedule.js';

export interface SimulationOptions {
  scenario: Scenario;
  /** Where sessions export (passed to the telemetry factory unchanged). */
  endpoint: string;
  tokenFor: TokenSource;
  telemetryFactory: TelemetryFactory;
  /** Overrides of the scenario's `run` block. */
  sessions?: number;
  durationMs?: number;
  timeCompression?: number;
  exportIntervalMs?: number;
  rampUpMs?: number;
  seed?: number;
  /** How often the scheduler records due samples (real ms). Default 100. */
  tickMs?: number;
  /** Concurrent session shutdowns (final flushes) at the end of the run. Default 64. */
  finalFlushConcurrency?: number;
  onProgress?: (progress: SimulationProgress) => void;
  /** Default 1000 ms. */
  progressIntervalMs?: number;
  /** Aborting ends the run early but still flushes every session. */
  signal?: AbortSignal;
}

export interface SimulationStats {
  sessionsStarted: number;
  /** Sessions that recorded at least one sample (only those can appear in filesfu_sessions_total). */
  sessionsReporting: number;
  sessionsFinished: number;
  samples: number;
  faultySamples: number;
  /** Sessions that carried at least one injected fault. */
  faultSessions: number;
  faultSessionsByFault: Record<string, number>;
  /** Export requests the gateway accepted (from the watchdog sender's accounting). */
  exportsDelivered: number;
  /** Exports retried (429/503/network) — backpressure seen by the sessions. */
  exportRetries: number;
  /** Exports given up on: refused permanently, or still queued when the session shut down. */
  exportsFailed: number;
  /** Data points the gateway reported as rejected (OTLP partial success). */
  rejectedDataPoints: number;
  /** Session shutdowns that threw (should be 0: the telemetry reports failures in its stats). */
  flushFailures: number;
  lastFlushError: string | undefined;
}

export interface SimulationProgress extends SimulationStats {
  elapsedMs: number;
  durationMs: number;
  activeSessions: number;
  /** How late the last scheduler tick ran (ms): the simulator process itself falling behind. */
  tickLagMs: number;
}

export interface SimulationResult extends SimulationProgress {
  scenario: string;
  sessions: number;
  timeCompression: number;
  exportIntervalMs: number;
  expectedCulprits: Scenario['expect']['culprits'];
  aborted: boolean;
}

interface Slot {
  install: InstallIdentity;
  random: Random;
  startedAtMs: number;
  recorded: number;
  /** Samples of the current session (a new session of the install starts at 0). */
  sessionSamples: number;
  session: SimulatedSession;
  telemetry: SessionTelemetry;
}

export async function runSimulation(options: SimulationOptions): Promise<SimulationResult> {
  const { scenario } = options;
  const sessions = options.sessions ?? scenario.run.sessions;
  const durationMs = options.durationMs ?? scenario.run.duration;
  const timeCompression = options.timeCompression ?? scenario.run.timeCompression;
  const exportIntervalMs = options.exportIntervalMs ?? scenario.run.exportInterval;
  const tickMs = options.tickMs ?? 100;
  const progressIntervalMs = options.progressIntervalMs ?? 1000;
  const fleetRandom = createRandom(options.seed ?? scenario.seed);

  const stats: SimulationStats = {
    sessionsStarted: 0,
    sessionsReporting: 0,
    sessionsFinished: 0,
    samples: 0,
    faultySamples: 0,
    faultSessions: 0,
    faultSessionsByFault: Object.fromEntries(scenario.faults.map((fault) => [fault.name, 0])),
    exportsDelivered: 0,
    exportRetries: 0,
    exportsFailed: 0,
    rejectedDataPoints: 0,
    flushFailures: 0,
    lastFlushError: undefined,
  };
  const slots: Slot[] = [];
  const pendingShutdowns = new Set<Promise<void>>();
  let tickLagMs = 0;
  let lastTickMs: number | undefined;

  const openSession = (
    install: InstallIdentity,
    random: Random,
  ): { session: SimulatedSession; telemetry: SessionTelemetry } => {
    // A rollout moves with the run's wall-clock progress; the install's next session may upgrade.
    const fraction = Math.min(1, (Date.now() - startMs) / durationMs);
    const version = drawVersion(scenario.fleet.versions, fraction, random);
    const session = new SimulatedSession(
      scenario,
      install,
      random,
      version,
      drawSessionSeconds(scenario, random),
    );
    const telemetry = options.telemetryFactory({
      identity: session.identity,
      endpoint: options.endpoint,
      token: options.tokenFor(install.installId),
      exportIntervalMs,
    });
    stats.sessionsStarted += 1;
    if (session.faults.length > 0) stats.faultSessions += 1;
    for (const fault of session.faults) {
      stats.faultSessionsByFault[fault.name] = (stats.faultSessionsByFault[fault.name] ?? 0) + 1;
    }
    return { session, telemetry };
  };

  const closeTelemetry = async (telemetry: SessionTelemetry): Promise<void> => {
    try {
      await telemetry.shutdown();
      const delivery = await telemetry.stats?.();
      if (delivery) {
        stats.exportsDelivered += delivery.sender.delivered;
        stats.exportRetries += delivery.sender.retries;
        stats.exportsFailed += delivery.sender.deadLettered + delivery.spool.backlogEntries;
        stats.rejectedDataPoints += delivery.sender.rejectedDataPoints;
        if (delivery.sender.lastError !== undefined) stats.lastFlushError = delivery.sender.lastError;
      }
    } catch (error) {
      stats.flushFailures += 1;
      stats.lastFlushError = (error as Error).message;
    }
  };

  const closeInBackground = (telemetry: SessionTelemetry): void => {
    const pending = closeTelemetry(telemetry).finally(() => pendingShutdowns.delete(pending));
    pendingShutdowns.add(pending);
  };

  const startMs = Date.now();
  // Sessions start spread over the ramp-up (at most a quarter of the run): exports do not arrive in
  // lock-step, and each aggregated series is born with few sessions in it (Prometheus' increase()
  // cannot see what a counter held in its very first sample).
  const staggerMs = Math.min(options.rampUpMs ?? scenario.run.rampUp, durationMs / 4);
  let lastProgressMs = -Infinity;
  const progress = (): SimulationProgress => ({
    ...stats,
    faultSessionsByFault: { ...stats.faultSessionsByFault },
    elapsedMs: Math.min(Date.now() - startMs, durationMs),
    durationMs,
    activeSessions: slots.length,
    tickLagMs,
  });

  const tick = (): void => {
    const now = Date.now();
    const elapsed = now - startMs;
    while (slots.length < sessions && (slots.length * staggerMs) / sessions <= elapsed) {
      const random = fleetRandom.fork(slots.length);
      const install = drawInstall(scenario, random);
      slots.push({
        install,
        random,
        startedAtMs: now,
        recorded: 0,
        sessionSamples: 0,
        ...openSession(install, random),
      });
    }
    tickLagMs = lastTickMs === undefined ? 0 : Math.max(0, now - lastTickMs - tickMs);
    lastTickMs = now;
    for (const slot of slots) {
      const due = Math.floor(((now - slot.startedAtMs) / 1000) * timeCompression);
      while (slot.recorded < due) {
        const sample = slot.session.nextSample();
        if (sample === undefined) {
          // The app run ended: its telemetry flushes in the background and the install starts again.
          stats.sessionsFinished += 1;
          closeInBackground(slot.telemetry);
          Object.assign(slot, openSession(slot.install, slot.random), { sessionSamples: 0 });
          continue;
        }
        slot.telemetry.recordCpu(sample.utilization, sample.stage);
        slot.recorded += 1;
        if (slot.sessionSamples++ === 0) stats.sessionsReporting += 1;
        stats.samples += 1;
        if (sample.faulty) stats.faultySamples += 1;
      }
    }
    if (options.onProgress && now - lastProgressMs >= progressIntervalMs) {
      lastProgressMs = now;
      options.onProgress(progress());
    }
  };

  const aborted = await new Promise<boolean>((resolve) => {
    let done = false;
    const interval = setInterval(tick, tickMs);
    const timeout = setTimeout(() => finish(false), durationMs);
    const onAbort = (): void => finish(true);
    function finish(wasAborted: boolean): void {
      if (done) return;
      done = true;
      clearInterval(interval);
      clearTimeout(timeout);
      options.signal?.removeEventListener('abort', onAbort);
      tick();
      resolve(wasAborted);
    }
    tick();
    if (options.signal?.aborted) finish(true);
    else options.signal?.addEventListener('abort', onAbort, { once: true });
  });

  await mapWithConcurrency(slots, options.finalFlushConcurrency ?? 64, (slot) =>
    closeTelemetry(slot.telemetry),
  );
  await Promise.all([...pendingShutdowns]);
  const final = { ...progress(), activeSessions: 0 };
  options.onProgress?.(final);
  return {
    ...final,
    scenario: scenario.name,
    sessions,
    timeCompression,
    exportIntervalMs,
    expectedCulprits: scenario.expect.culprits,
    aborted,
  };
}

async function mapWithConcurrency<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
