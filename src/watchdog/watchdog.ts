// The watchdog: samples the app's CPU, tags samples with the app's current stage and exports them
// through the session's spooling OTLP pipeline.
//
// Lifecycle:
// - start: install id and session resolved (a restarted watchdog resumes the session of the same live
//   app process), the previous run's spool is replayed first, then live data follows.
// - the watched process exits: final flush, session end (logged; the session cannot be resumed).
// - stop() (e.g. SIGTERM for a watchdog upgrade): final flush, the session stays resumable.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { CpuSampler, createCpuSource, ProcessGoneError } from './cpu/index.js';
import { parseWatchdogConfig, type WatchdogConfig, type WatchdogConfigInput } from './config.js';
import {
  alwaysConsent,
  askFileConsent,
  createSessionTelemetry,
  neverConsent,
  type ReplayConsentHook,
  type SessionTelemetryStats,
} from './export/index.js';
import { createLogger, describeError, type Logger } from './log.js';
import { INITIAL_STAGE } from '../model/index.js';
import {
  forgetSession,
  loadOrCreateInstallId,
  localIdentity,
  lockStateDir,
  resolveSession,
  type StateDirLock,
} from './session/index.js';
import {
  defaultStageSocketPath,
  NO_DETAILS,
  stageDetailAttributes,
  startStageServer,
  type StageDetailAttributes,
  type StageServer,
  type StageServerStats,
} from './stage/index.js';

export interface WatchdogHooks {
  /** Replay consent for a large backlog; overrides the `replayConsent` setting. */
  onReplayConsent?: ReplayConsentHook;
  /** Called with every recorded sample (after it was recorded), with the stage's detail attributes. */
  onSample?: (utilization: number, stage: string, details: StageDetailAttributes) => void;
  logger?: Logger;
  fetch?: typeof fetch;
}

export type WatchdogOptions = WatchdogConfigInput & WatchdogHooks;

export type WatchdogEndReason = 'process-exited' | 'stopped';

export interface WatchdogStats extends SessionTelemetryStats {
  stage: StageServerStats | undefined;
  sampler: { samples: number; rebaselines: number; readErrors: number };
}

export interface Watchdog {
  readonly config: WatchdogConfig;
  readonly installId: string;
  readonly sessionId: string;
  /** True when this run continues the session of a previous watchdog run (same app process). */
  readonly resumed: boolean;
  readonly socketPath: string | undefined;
  /** The app's current stage (last reported, INITIAL_STAGE before any report). */
  readonly stage: string;
  /** The current stage's exportable details (point attributes), NO_DETAILS when none. */
  readonly details: StageDetailAttributes;
  /**
   * Sets the stage directly (embedded use, no socket needed). Same rules as the socket: any non-empty
   * value up to maxStageLength, and `detail` as the protocol's detail object (unknown keys and invalid
   * values ignored); returns false (stage unchanged) otherwise.
   */
  setStage(stage: string, detail?: Readonly<Record<string, unknown>>): boolean;
  /** CPU samples recorded by this watchdog run. */
  readonly samplesRecorded: number;
  /** Resolves when the watchdog has finished (flushed), with the reason. */
  readonly ended: Promise<WatchdogEndReason>;
  stats(): Promise<WatchdogStats>;
  /** Final flush and stop; the session stays resumable by the next watchdog run. */
  stop(): Promise<void>;
}

export const REPLAY_CONSENT_FILE = 'replay-consent';

function consentHook(config: WatchdogConfig, hooks: WatchdogHooks): ReplayConsentHook {
  if (hooks.onReplayConsent) return hooks.onReplayConsent;
  if (config.replayConsent === 'never') return neverConsent;
  if (config.replayConsent === 'ask-file') {
    return askFileConsent(join(config.stateDir, REPLAY_CONSENT_FILE), config.replayConsentTimeout);
  }
  return alwaysConsent;
}

export async function startWatchdog(options: WatchdogOptions): Promise<Watchdog> {
  const { onReplayConsent, onSample, logger: givenLogger, fetch: givenFetch, ...settings } = options;
  const hooks: WatchdogHooks = { onReplayConsent, onSample };
  const config = parseWatchdogConfig(settings);
  const logger = givenLogger ?? createLogger(config.logLevel);
  await mkdir(config.stateDir, { recursive: true, mode: 0o700 });
  // Held until the watchdog has finished: see state-dir-lock.ts for why and what it cannot catch.
  const lock = await lockStateDir(config.stateDir);
  try {
    return await startLocked(config, hooks, logger, givenFetch, lock);
  } catch (err) {
    await lock.release();
    throw err;
  }
}

async function startLocked(
  config: WatchdogConfig,
  hooks: WatchdogHooks,
  logger: Logger,
  givenFetch: WatchdogOptions['fetch'],
  lock: StateDirLock,
): Promise<Watchdog> {
  const { onSample } = hooks;
  const source = createCpuSource(config.pid, process.platform, { processTree: config.processTree });
  let processRunId: string;
  try {
    processRunId = await source.processRunId();
  } catch (err) {
    if (err instanceof ProcessGoneError)
      throw new Error(`process ${String(config.pid)} is not running`, { cause: err });
    throw err;
  }
  const installId = config.installId ?? (await loadOrCreateInstallId(config.stateDir));
  const session = await resolveSession(config.stateDir, processRunId);
  const identity = localIdentity({ installId, sessionId: session.sessionId, appVersion: config.appVersion });

  const spoolDir = join(config.stateDir, 'spool');
  const telemetry = createSessionTelemetry({
    identity,
    endpoint: config.endpoint,
    token: config.token,
    exportIntervalMs: config.exportInterval,
    spoolDir,
    spoolMaxBytes: config.spoolMaxBytes,
    spoolMaxAgeMs: config.spoolMaxAge,
    spoolFsync: config.spoolFsync,
    sampleJournal: config.sampleJournal,
    requestTimeoutMs: config.requestTimeout,
    retry: {
      baseDelayMs: config.retryBaseDelay,
      maxDelayMs: config.retryMaxDelay,
      maxRetryAfterMs: config.maxRetryAfter,
    },
    replayConsent: { thresholdBytes: config.replayConsentBytes, decide: consentHook(config, hooks) },
    shutdownDrainTimeoutMs: config.shutdownDrainTimeout,
    logger,
    ...(givenFetch ? { fetch: givenFetch } : {}),
  });
  try {
    await telemetry.ready();
  } catch (err) {
    await telemetry.shutdown();
    throw new Error(`cannot open the spool in ${spoolDir}: ${describeError(err)}`, {
      cause: err,
    });
  }

  let stage: string = INITIAL_STAGE;
  let details: StageDetailAttributes = NO_DETAILS;
  let stageServer: StageServer | undefined;
  if (config.socket !== 'off') {
    const socketPath =
      config.socket ??
      defaultStageSocketPath(config.stateDir, String(config.pid === 'self' ? process.pid : config.pid));
    try {
      stageServer = await startStageServer({
        socketPath,
        maxLineBytes: config.maxLineBytes,
        maxStageLength: config.maxStageLength,
        onStage: (next, nextDetails) => {
          if (next !== stage) logger.debug('stage.set', { from: stage, to: next });
          stage = next;
          details = nextDetails;
        },
        onHello: (appVersion) => {
          if (appVersion && appVersion !== config.appVersion) {
            logger.warn('stage.version_mismatch', { reported: appVersion, configured: config.appVersion });
          }
        },
        logger,
      });
    } catch (err) {
      await telemetry.shutdown();
      throw err;
    }
  }

  let resolveEnded: (reason: WatchdogEndReason) => void = () => {};
  const ended = new Promise<WatchdogEndReason>((resolve) => (resolveEnded = resolve));
  let finishing: Promise<void> | undefined;

  const finish = (reason: WatchdogEndReason): Promise<void> => {
    finishing ??= (async () => {
      sampler.stop();
      source.close();
      await stageServer?.close().catch(() => {});
      // Never rejects: `ended` must resolve whatever happened to the spool.
      await telemetry
        .shutdown()
        .catch((err: unknown) => logger.error('export.shutdown_failed', { error: describeError(err) }));
      const fields = { sessionId: session.sessionId, samplesRecorded: telemetry.samplesRecorded, reason };
      if (reason === 'process-exited') {
        await forgetSession(config.stateDir, session.sessionId).catch((err: unknown) =>
          logger.warn('session.forget_failed', { error: describeError(err) }),
        );
        logger.info('session.end', fields);
      } else {
        logger.info('watchdog.stopped', fields);
      }
      await lock.release();
      resolveEnded(reason);
    })();
    return finishing;
  };

  const sampler = new CpuSampler({
    source,
    sampleIntervalMs: config.sampleInterval,
    logger,
    onSample: (utilization) => {
      // Logged before it is recorded: a crash in between loses the sample, never counts it unlogged.
      logger.debug('cpu.sample', { utilization, stage });
      telemetry.recordCpu(utilization, stage, details);
      onSample?.(utilization, stage, details);
    },
    onProcessGone: (err) => {
      logger.info('watchdog.process_gone', { pid: config.pid, reason: err.message });
      void finish('process-exited');
    },
  });
  sampler.start();

  logger.info(session.resumed ? 'session.resumed' : 'session.start', {
    sessionId: session.sessionId,
    installId,
    pid: config.pid,
    appVersion: config.appVersion,
    osType: identity.osType,
    osVersion: identity.osVersion,
    hostArch: identity.hostArch,
    source: source.description,
    socketPath: stageServer?.socketPath,
  });

  return {
    config,
    installId,
    sessionId: session.sessionId,
    resumed: session.resumed,
    socketPath: stageServer?.socketPath,
    get stage() {
      return stage;
    },
    get details() {
      return details;
    },
    setStage(next, detail) {
      if (next.trim() === '' || next.length > config.maxStageLength) return false;
      const { attributes, ignored } = stageDetailAttributes(detail);
      if (ignored.length > 0) logger.debug('stage.detail_ignored', { stage: next, keys: ignored });
      stage = next;
      details = attributes;
      return true;
    },
    get samplesRecorded() {
      return telemetry.samplesRecorded;
    },
    ended,
    async stats() {
      return {
        ...(await telemetry.stats()),
        stage: stageServer
          ? { ...stageServer.stats, rejected: { ...stageServer.stats.rejected } }
          : undefined,
        sampler: { ...sampler.stats },
      };
    },
    stop: () => finish('stopped'),
  };
}
