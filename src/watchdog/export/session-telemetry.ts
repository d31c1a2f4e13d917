// One session's export pipeline: MeterProvider → PeriodicExportingMetricReader (DELTA) →
// SpoolingMetricExporter → spool (disk or memory) → OrderedSender → gateway.
//
// A plain MeterProvider + PeriodicExportingMetricReader rather than @opentelemetry/sdk-node: sdk-node
// brings tracing, logs, auto-instrumentation and resource detectors the watchdog does not need, costs
// startup time and memory, and cannot be instantiated thousands of times in one process (the simulator).
// The resource is built from attributes only (no detectors) so it is exactly docs/metrics.md §1.
import { join } from 'node:path';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  MeterProvider,
  PeriodicExportingMetricReader,
  type MeterProviderOptions,
} from '@opentelemetry/sdk-metrics';
import { describeError, silentLogger, type Logger } from '../log.js';
import {
  CPU_BUCKETS,
  CPU_METRIC_NAME,
  CPU_METRIC_UNIT,
  SCOPE_NAME,
  STAGE_ATTRIBUTE,
} from '../../model/index.js';
import { resourceAttributes, type SessionIdentity } from '../session/index.js';
import { validDetailAttributes } from '../stage/stage-details.js';
import { JOURNAL_FILE, SampleJournal } from '../spool/sample-journal.js';
import { CPU_METRIC_DESCRIPTION } from './cpu-points.js';
import {
  defaultLibrarySpoolDir,
  DiskSpool,
  lockSpoolDir,
  MemorySpool,
  SpoolDirInUseError,
  type Spool,
  type SpoolDirLock,
  type SpoolStats,
} from '../spool/index.js';
import { createHttpPoster, otlpMetricsUrl } from './http-poster.js';
import { OrderedSender, type SenderStats } from './ordered-sender.js';
import { createReplayConsentGate, type ReplayConsentHook } from './replay-consent.js';
import type { RetrySettings } from './retry-policy.js';
import { SpoolingMetricExporter } from './spooling-exporter.js';

export interface SessionTelemetryOptions {
  identity: SessionIdentity;
  /** Gateway base URL or full OTLP metrics URL; a bare origin gets /v1/metrics. */
  endpoint: string;
  /** Install token, sent as `Authorization: Bearer <token>`. */
  token?: string | undefined;
  exportIntervalMs: number;
  /**
   * Directory of the durable spool, locked while this telemetry lives (a second live telemetry on it
   * throws SpoolDirInUseError). Default: `<stateDir>/library-spool/<installId>`, so the next run of
   * the install replays what this one left. false = in-memory ordered queue (same sender; what is
   * undelivered at shutdown is lost), for simulators and load tools running many sessions at once.
   */
  spoolDir?: string | false;
  /** Base of the default spool dir. Default: $FILESFU_WATCHDOG_STATE_DIR, else ~/.filesfu-watchdog. */
  stateDir?: string;
  fetch?: typeof fetch;
  logger?: Logger;
  /** Spool bounds. Defaults: 50 MiB, 24 h. */
  spoolMaxBytes?: number;
  spoolMaxAgeMs?: number;
  /** fsync each spool segment (disk spool only). Default true. */
  spoolFsync?: boolean;
  /**
   * Journal every sample to disk as it is recorded (disk spool only; default true), so a crash loses
   * at most one sample instead of the current export interval (spool/sample-journal.ts).
   */
  sampleJournal?: boolean;
  requestTimeoutMs?: number;
  retry?: Partial<RetrySettings>;
  /** Gate replay of a previous run's backlog larger than thresholdBytes (disk spool only). */
  replayConsent?: { thresholdBytes: number; decide: ReplayConsentHook };
  /** How long shutdown() waits for the spool to drain before leaving the rest on disk. Default 5 s. */
  shutdownDrainTimeoutMs?: number;
}

export interface SessionTelemetryStats {
  samplesRecorded: number;
  spool: SpoolStats & { backlogEntries: number; backlogBytes: number };
  sender: SenderStats;
}

export interface SessionTelemetry {
  /** Resolves once the spool is open; rejects with the reason when it cannot be (then nothing is kept). */
  ready(): Promise<void>;
  /**
   * Records one CPU sample (0..1, normalised by logical CPUs) in `stage`, with the stage's detail
   * attributes (wire.ts STAGE_DETAILS names → non-negative integers; others are not exported).
   */
  recordCpu(utilization: number, stage: string, details?: Readonly<Record<string, number>>): void;
  /** Exports what was recorded so far and waits (bounded) until the spool is delivered. */
  forceFlush(): Promise<void>;
  /**
   * Final export, bounded drain, stop, spool dir unlocked. Undelivered disk-spool entries stay for the
   * next telemetry on the same spool dir (by default: the next run of the same install).
   */
  shutdown(): Promise<void>;
  /** Samples recorded by this instance (the exactly-once accounting unit). */
  readonly samplesRecorded: number;
  stats(): Promise<SessionTelemetryStats>;
}

export const DEFAULT_SPOOL_MAX_BYTES = 50 * 1024 * 1024;
export const DEFAULT_SPOOL_MAX_AGE_MS = 24 * 60 * 60 * 1000;
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
const DEFAULT_SHUTDOWN_DRAIN_TIMEOUT_MS = 5_000;

/**
 * Throws SpoolDirInUseError when another live telemetry (in this or another process) holds the spool
 * dir, and an Error when the default spool dir cannot be derived from the install id.
 */
export function createSessionTelemetry(options: SessionTelemetryOptions): SessionTelemetry {
  const logger = options.logger ?? silentLogger;
  if (options.spoolDir === '')
    throw new Error('spoolDir is empty: pass a directory, false (in-memory queue), or omit it (default dir)');
  const spoolDir =
    options.spoolDir === false
      ? undefined
      : (options.spoolDir ?? defaultLibrarySpoolDir(options.identity.installId, options.stateDir));
  // Taken before anything else exists, so a refused telemetry leaves nothing running. Other I/O
  // failures (an unwritable dir) surface through ready(), like a spool that cannot open.
  let lockFailure: unknown;
  let lock: SpoolDirLock | undefined;
  if (spoolDir) {
    try {
      lock = lockSpoolDir(spoolDir);
    } catch (err) {
      if (err instanceof SpoolDirInUseError) throw err;
      lockFailure = err;
    }
  }
  const bounds = {
    maxBytes: options.spoolMaxBytes ?? DEFAULT_SPOOL_MAX_BYTES,
    maxAgeMs: options.spoolMaxAgeMs ?? DEFAULT_SPOOL_MAX_AGE_MS,
  };
  const onDrop = (entry: { seq: number; bytes: number }, reason: string): void =>
    logger.warn('spool.dropped', { seq: entry.seq, bytes: entry.bytes, reason });

  let gate: (() => Promise<void>) | undefined;
  const journal =
    spoolDir && options.sampleJournal !== false
      ? new SampleJournal(join(spoolDir, JOURNAL_FILE), options.identity, logger)
      : undefined;
  const spoolReady: Promise<Spool> = !spoolDir
    ? Promise.resolve(new MemorySpool(bounds, onDrop))
    : lockFailure !== undefined
      ? Promise.reject(
          new Error(
            `cannot lock the spool dir ${spoolDir}: ${describeError(lockFailure)}; ` +
              'pass a writable spoolDir, or spoolDir: false',
            { cause: lockFailure },
          ),
        )
      : DiskSpool.open({ dir: spoolDir, ...bounds, fsync: options.spoolFsync ?? true, onDrop }).then(
          async (spool) => {
            await journal?.open(spool);
            const backlog = spool.backlog();
            if (backlog.entries > 0)
              logger.info('spool.replay', { entries: backlog.entries, bytes: backlog.bytes });
            if (options.replayConsent)
              gate = createReplayConsentGate(spool, { ...options.replayConsent, logger });
            return spool;
          },
        );
  // The sender awaits this itself; avoid an unhandled rejection in the meantime.
  spoolReady.catch(() => {});

  const sender = new OrderedSender({
    spool: spoolReady,
    post: createHttpPoster({
      url: otlpMetricsUrl(options.endpoint),
      token: options.token,
      timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    gate: () => (gate ? gate() : Promise.resolve()),
    logger,
    ...(options.retry ? { retry: options.retry } : {}),
  });
  const exporter = new SpoolingMetricExporter({
    spool: spoolReady,
    onSpooled: () => sender.wake(),
    logger,
    ...(journal ? { journal } : {}),
  });
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: options.exportIntervalMs,
    exportTimeoutMillis: Math.min(options.exportIntervalMs, 30_000),
  });
  const providerOptions: MeterProviderOptions = {
    resource: resourceFromAttributes(resourceAttributes(options.identity)),
    readers: [reader],
  };
  const provider = new MeterProvider(providerOptions);
  const histogram = provider.getMeter(SCOPE_NAME).createHistogram(CPU_METRIC_NAME, {
    unit: CPU_METRIC_UNIT,
    description: CPU_METRIC_DESCRIPTION,
    advice: { explicitBucketBoundaries: [...CPU_BUCKETS] },
  });
  sender.start();

  let samplesRecorded = 0;
  let shutdownPromise: Promise<void> | undefined;
  const drainTimeoutMs = options.shutdownDrainTimeoutMs ?? DEFAULT_SHUTDOWN_DRAIN_TIMEOUT_MS;

  /** Final export, bounded drain, stop; what is not delivered stays in a disk spool. */
  const stop = async (): Promise<void> => {
    // A failed final export (a spool that never opened) must not leave the sender running.
    let exportFailure: { error: unknown } | undefined;
    await provider.shutdown().catch((error: unknown) => (exportFailure = { error }));
    // A spool that never opened has nothing to drain (ready() reported why).
    const spool = await spoolReady.catch(() => undefined);
    const drained = spool ? await sender.drain(drainTimeoutMs) : true;
    await sender.stop();
    journal?.close();
    if (exportFailure) throw exportFailure.error;
    if (spool && !drained) {
      logger.warn('export.shutdown_undelivered', {
        entries: spool.backlog().entries,
        bytes: spool.backlog().bytes,
        persisted: Boolean(spoolDir),
      });
    }
  };

  return {
    async ready() {
      await spoolReady;
    },
    recordCpu(utilization, stage, details) {
      if (shutdownPromise || !Number.isFinite(utilization)) return;
      const value = Math.min(1, Math.max(0, utilization));
      const valid = validDetailAttributes(details);
      histogram.record(value, { ...valid, [STAGE_ATTRIBUTE]: stage });
      journal?.record({ timeNs: BigInt(Date.now()) * 1_000_000n, stage, details: valid, utilization: value });
      samplesRecorded += 1;
    },
    async forceFlush() {
      await provider.forceFlush();
      await sender.drain(drainTimeoutMs);
    },
    shutdown() {
      shutdownPromise ??= (async () => {
        try {
          await stop();
        } finally {
          lock?.release();
        }
      })();
      return shutdownPromise;
    },
    get samplesRecorded() {
      return samplesRecorded;
    },
    async stats() {
      const spool = await spoolReady;
      const backlog = spool.backlog();
      return {
        samplesRecorded,
        spool: {
          ...spool.stats,
          droppedByReason: { ...spool.stats.droppedByReason },
          backlogEntries: backlog.entries,
          backlogBytes: backlog.bytes,
        },
        sender: { ...sender.stats },
      };
    },
  };
}
