// Simulated-clock mode: N concurrent installs run their sessions over a simulated period (hours)
// backdated to end just before now (time-plan.ts), and each session's exports are sent as soon as
// the gateway takes them — a spool replay, not a real-time trickle. Samples, points and requests
// are exactly what a watchdog sends; only the time they are sent at is compressed.
//
// Each install is one sequential worker: its sessions follow each other in simulated time, and a
// session's requests go out in time order with at most one in flight. A request carries whole
// session windows, so the gateway never closes a window (by housekeeping) before all of its points
// arrived. The ground truth is computed from exactly the points sent (ground-truth.ts).
import { SampleLedger, type LedgerSnapshot } from '../load/index.js';
import { windowOf } from '../model/index.js';
import { encodeSessionRequest } from './otlp-request.js';
import { createRandom, type Random } from './random.js';
import { acceptAll, createHttpSender, type RequestSender } from './request-sender.js';
import type { Scenario } from './scenario-schema.js';
import { IntervalPoints, truthPoint, type SimulatedPoint, type TruthPoint } from './session-points.js';
import {
  SimulatedSession,
  drawInstall,
  drawSessionSeconds,
  type SessionIdentity,
} from './simulated-session.js';
import { backdatedPeriod, type SimulatedPeriod } from './time-plan.js';
import type { TokenSource } from './tokens.js';
import { TruthCounter, type GroundTruth } from './ground-truth.js';
import { drawVersion } from './version-schedule.js';

/** DESIGN §6 defaults of `pipeline.sessions.windowSeconds` / `windowGraceSeconds`. */
export const DEFAULT_WINDOW_SECONDS = 600;
export const DEFAULT_WINDOW_GRACE_SECONDS = 120;
/** An install's first session starts within this much simulated time (a fleet never starts at once). */
const FIRST_START_SPREAD_SECONDS = 600;
/** Simulated seconds between a session's end and the install's next session (uniform, inclusive). */
const RESTART_GAP_SECONDS: [number, number] = [1, 60];

export interface SimulatedClockOptions {
  scenario: Scenario;
  /** Gateway base URL; required unless `send` is given. */
  endpoint?: string;
  tokenFor: TokenSource;
  /** Replaces the HTTP sender (dry runs: `acceptAll`). */
  send?: RequestSender;
  /** Overrides of the scenario's `run` block. */
  sessions?: number;
  periodMs?: number;
  intervalMs?: number;
  requestIntervals?: number;
  inFlight?: number;
  seed?: number;
  /** The gateway's window settings: the truth and the request boundaries follow them. */
  windowSeconds?: number;
  windowGraceSeconds?: number;
  /** The real "now" the period is backdated from (default Date.now()). */
  nowMs?: number;
  onProgress?: (progress: SimulatedClockProgress) => void;
  /** Default 1000 ms. */
  progressIntervalMs?: number;
  /** Aborting stops every session where it is (what was sent stays in the truth). */
  signal?: AbortSignal;
}

export interface SimulatedClockStats {
  sessionsStarted: number;
  /** Sessions that sent at least one point (the truth counts exactly these). */
  sessionsReporting: number;
  samples: number;
  faultySamples: number;
  faultSessions: number;
  faultSessionsByFault: Record<string, number>;
  requests: number;
  points: number;
  exportsDelivered: number;
  exportRetries: number;
  /** Requests given up on (refused, or retried until the attempts ran out). */
  exportsFailed: number;
  rejectedDataPoints: number;
  lastError: string | undefined;
  /**
   * Where every sample went: pending while its point waits for its request (or the request for
   * its answer), then acknowledged or lost by cause.
   */
  ledger: LedgerSnapshot;
}

export interface SimulatedClockProgress extends SimulatedClockStats {
  elapsedMs: number;
  installsDone: number;
  installs: number;
}

export interface SimulatedClockResult extends SimulatedClockStats {
  scenario: string;
  clock: 'simulated';
  sessions: number;
  period: SimulatedPeriod;
  intervalMs: number;
  windowSeconds: number;
  windowGraceSeconds: number;
  wallMs: number;
  /** Simulated session time covered (sum over sessions), in hours. */
  sessionHours: number;
  /** The simulator's throughput: simulated session-hours per wall-clock second. */
  sessionHoursPerWallSecond: number;
  truth: GroundTruth;
  expectedCulprits: Scenario['expect']['culprits'];
  aborted: boolean;
}

const NS_PER_S = 1_000_000_000n;

export async function runSimulatedClock(options: SimulatedClockOptions): Promise<SimulatedClockResult> {
  const { scenario } = options;
  const installs = options.sessions ?? scenario.run.sessions;
  const periodMs = options.periodMs ?? scenario.run.period;
  const intervalSeconds = Math.max(1, Math.round((options.intervalMs ?? scenario.run.interval) / 1000));
  const requestIntervals = options.requestIntervals ?? scenario.run.requestIntervals;
  const inFlight = options.inFlight ?? scenario.run.inFlight;
  const windowSeconds = options.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
  const windowGraceSeconds = options.windowGraceSeconds ?? DEFAULT_WINDOW_GRACE_SECONDS;
  const period = backdatedPeriod(periodMs, windowSeconds, windowGraceSeconds, options.nowMs ?? Date.now());
  const startSec = period.startMs / 1000;
  const endSec = period.endMs / 1000;
  const windowNanos = BigInt(windowSeconds) * NS_PER_S;
  const windowIntervals = Math.ceil(windowSeconds / intervalSeconds);
  const fleetRandom = createRandom(options.seed ?? scenario.seed);
  const truth = new TruthCounter(scenario.model, windowSeconds);
  const http = options.send
    ? undefined
    : createHttpSender(requireEndpoint(options.endpoint), { maxSockets: inFlight });
  const send = options.send ?? http?.send ?? acceptAll;
  const ledger = new SampleLedger();

  const stats: SimulatedClockStats = {
    sessionsStarted: 0,
    sessionsReporting: 0,
    samples: 0,
    faultySamples: 0,
    faultSessions: 0,
    faultSessionsByFault: Object.fromEntries(scenario.faults.map((fault) => [fault.name, 0])),
    requests: 0,
    points: 0,
    exportsDelivered: 0,
    exportRetries: 0,
    exportsFailed: 0,
    rejectedDataPoints: 0,
    lastError: undefined,
    ledger: ledger.snapshot(),
  };
  const started = performance.now();
  let installsDone = 0;
  const progress = (): SimulatedClockProgress => ({
    ...stats,
    faultSessionsByFault: { ...stats.faultSessionsByFault },
    ledger: ledger.snapshot(),
    elapsedMs: performance.now() - started,
    installsDone,
    installs,
  });
  const aborted = () => options.signal?.aborted === true;

  const flush = async (identity: SessionIdentity, token: string, points: SimulatedPoint[]): Promise<void> => {
    if (points.length === 0) return;
    const batch = { samples: points.reduce((sum, p) => sum + p.samples, 0), points: points.length };
    const outcome = await send(encodeSessionRequest(identity, points), token);
    if (outcome.delivered) ledger.acknowledge(batch, outcome.rejectedDataPoints, outcome.afterUnknownOutcome);
    else ledger.lose(batch, outcome.loss ?? 'failed');
    stats.requests += 1;
    stats.points += points.length;
    stats.exportRetries += outcome.retries;
    stats.rejectedDataPoints += outcome.rejectedDataPoints;
    if (outcome.delivered) stats.exportsDelivered += 1;
    else {
      stats.exportsFailed += 1;
      stats.lastError = outcome.error;
    }
  };

  /** One session from `startAt` (unix seconds) until it ends or the period does; returns its end. */
  const runSession = async (session: SimulatedSession, token: string, startAt: number): Promise<number> => {
    const sent: TruthPoint[] = [];
    let pending: SimulatedPoint[] = [];
    let pendingIntervals = 0;
    const interval = new IntervalPoints(scenario.model.thresholds);
    let intervalStart = startAt;
    let second = startAt;
    const closeInterval = (end: number) => {
      const points = interval.close(BigInt(intervalStart) * NS_PER_S, BigInt(end) * NS_PER_S);
      for (const point of points) {
        ledger.record({ samples: point.samples, points: 1 });
        pending.push(point);
        sent.push(truthPoint(point));
      }
      pendingIntervals += 1;
      intervalStart = end;
    };
    for (;;) {
      const sample = second < endSec && !aborted() ? session.nextSample() : undefined;
      if (sample === undefined) {
        if (!interval.isEmpty) closeInterval(second);
        break;
      }
      interval.add(sample);
      stats.samples += 1;
      if (sample.faulty) stats.faultySamples += 1;
      second += 1;
      if (second - intervalStart < intervalSeconds) continue;
      const previousWindow = windowOf(BigInt(intervalStart) * NS_PER_S, windowNanos);
      closeInterval(second);
      const nextWindow = windowOf(BigInt(intervalStart) * NS_PER_S, windowNanos);
      if (nextWindow !== previousWindow && pendingIntervals + windowIntervals > requestIntervals) {
        await flush(session.identity, token, pending);
        pending = [];
        pendingIntervals = 0;
      }
    }
    await flush(session.identity, token, pending);
    if (sent.length > 0) {
      stats.sessionsReporting += 1;
      truth.addSession(session.identity, sent);
    }
    return second;
  };

  const runInstall = async (slot: number): Promise<void> => {
    const random: Random = fleetRandom.fork(slot);
    const install = drawInstall(scenario, random);
    const token = options.tokenFor(install.installId);
    let at =
      startSec + random.integer(0, Math.min(FIRST_START_SPREAD_SECONDS, Math.floor((endSec - startSec) / 4)));
    while (at < endSec && !aborted()) {
      const version = drawVersion(scenario.fleet.versions, (at - startSec) / (endSec - startSec), random);
      const session = new SimulatedSession(
        scenario,
        install,
        random,
        version,
        drawSessionSeconds(scenario, random),
      );
      stats.sessionsStarted += 1;
      if (session.faults.length > 0) stats.faultSessions += 1;
      for (const fault of session.faults) stats.faultSessionsByFault[fault.name]! += 1;
      at = (await runSession(session, token, at)) + random.integer(...RESTART_GAP_SECONDS);
    }
    installsDone += 1;
  };

  const ticker =
    options.onProgress &&
    setInterval(() => options.onProgress?.(progress()), options.progressIntervalMs ?? 1000);
  try {
    let next = 0;
    const worker = async () => {
      while (next < installs) await runInstall(next++);
    };
    await Promise.all(Array.from({ length: Math.min(inFlight, installs) }, worker));
  } finally {
    if (ticker) clearInterval(ticker);
    http?.close();
  }
  const final = progress();
  options.onProgress?.(final);
  const wallMs = final.elapsedMs;
  const sessionHours = stats.samples / 3600;
  return {
    ...final,
    scenario: scenario.name,
    clock: 'simulated',
    sessions: installs,
    period,
    intervalMs: intervalSeconds * 1000,
    windowSeconds,
    windowGraceSeconds,
    wallMs,
    sessionHours,
    sessionHoursPerWallSecond: sessionHours / Math.max(wallMs / 1000, 1e-3),
    truth: truth.result(),
    expectedCulprits: scenario.expect.culprits,
    aborted: aborted(),
  };
}

function requireEndpoint(endpoint: string | undefined): string {
  if (!endpoint) throw new Error('runSimulatedClock needs an endpoint (or a send function for a dry run)');
  return endpoint;
}
