import type { ExportMetricsServiceRequest } from '../../otlp/index.js';
import { CumulativeStore } from '../aggregation/index.js';
import {
  LabelBounds,
  OverflowSeries,
  SeriesBudget,
  SeriesIdentities,
  VersionBounds,
} from '../cardinality/index.js';
import { flatKey } from '../common/flat-key.js';
import { gatewayError } from '../errors/index.js';
import { ExportLoop } from '../export/index.js';
import { CPU_HISTOGRAM, overflowPrometheusSeries, thresholdLabel } from '../../model/index.js';
import {
  commitSessions,
  isCheckpointableStore,
  type StateSnapshot,
  type StateStore,
} from '../state/index.js';
import { CheckpointLocation, CHECKPOINT_FORMAT, type GatewayCheckpoint } from '../persistence/index.js';
import type { RequestLimits } from '../validation/index.js';
import { canonicalBoundIndex, validateRequest } from '../validation/index.js';
import type { PipelineConfig } from './config.js';
import type { Backpressure, IngestOutcome, Pipeline, PipelineDeps, Principal } from './contract.js';
import type { LimitName, LimitReading } from './self-metrics.js';
import { PipelineSelfMetrics } from './self-metrics.js';
import { prepareSession, type SessionBounds } from './session-commit.js';
import type { Contribution } from './session-contributions.js';
import { emptyOutcome, sessionContributions, windowContributions } from './session-contributions.js';

/**
 * A session's key in the state store. Scoped by the authenticated install: session ids are not
 * secret (they are exemplars on dashboards), and keyed alone, another install could advance a
 * session's dedup watermark and have its real points dropped as duplicates.
 */
function sessionStateKey(installId: string, sessionId: string): string {
  return flatKey('/', [installId, sessionId]);
}

/** State-store round trips one ingest makes in sequence at most (bounds the shutdown wait). */
const INGEST_STATE_ROUND_TRIPS = 4;

/**
 * validate → bound labels → commit per session (dedup + episodes + windows, atomic) → contributions
 * (CPU histogram under the session's fixed labels, closed windows) → budget → aggregate → export.
 */
export class GatewayPipeline implements Pipeline {
  private readonly aggregate = new CumulativeStore();
  private readonly labels: LabelBounds;
  private readonly versions: VersionBounds;
  private readonly budget: SeriesBudget;
  private readonly identities = new SeriesIdentities();
  private readonly overflow = new OverflowSeries();
  private readonly exporter: ExportLoop;
  private readonly metrics: PipelineSelfMetrics;
  private readonly bounds: SessionBounds;
  private readonly validationLimits: RequestLimits;
  /** The `threshold` label value of each configured threshold, in config order. */
  private readonly thresholdLabels: string[];
  private snapshot: StateSnapshot = { usedSeries: 0, trackedSessions: 0, openWindows: 0, activeVersions: [] };
  // Largest attribute count/size seen, in the current and the previous housekeeping interval.
  private observedAttributes = { maxAttributes: 0, maxAttributeValueBytes: 0 };
  private previousObservedAttributes = { maxAttributes: 0, maxAttributeValueBytes: 0 };
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private housekeepingRun: Promise<void> | undefined;
  /** Ingests between validation and aggregation; shutdown waits for them before the final flush. */
  private readonly ingesting = new Set<Promise<IngestOutcome>>();
  private closed = false;
  /** This replica's checkpoint, when persistence.stateDir is set. */
  private readonly checkpoints: CheckpointLocation | undefined;
  /** Set while a checkpoint is captured: ingests and housekeeping wait for it before they start. */
  private gate: Promise<void> | undefined;
  /** Ingests and housekeeping runs past the gate (between a state commit and its aggregation). */
  private busy = 0;
  private onIdle: (() => void) | undefined;

  constructor(
    private readonly config: PipelineConfig,
    private readonly store: StateStore,
    private readonly deps: PipelineDeps,
  ) {
    const warn = (level: 'warn', msg: string, fields?: Record<string, unknown>) =>
      deps.log(level, msg, fields);
    this.labels = new LabelBounds(config.limits);
    this.bounds = {
      labels: this.labels,
      details: config.details,
      // The config schema only allows canonical bounds as thresholds.
      thresholdBounds: config.sessions.thresholds.map(canonicalBoundIndex),
    };
    this.thresholdLabels = config.sessions.thresholds.map(thresholdLabel);
    this.validationLimits = {
      ...config.validation,
      detailAttributes: config.details.map((d) => d.attribute),
    };
    this.versions = new VersionBounds(store, this.labels, config.limits, warn);
    this.budget = new SeriesBudget(store, config.limits, warn);
    this.metrics = new PipelineSelfMetrics(
      deps.registry,
      () => this.limitReadings(),
      () => this.snapshot.openWindows,
    );
    const stateDir = config.persistence.stateDir;
    this.checkpoints = stateDir === undefined ? undefined : new CheckpointLocation(stateDir);
    this.exporter = new ExportLoop({
      store: this.aggregate,
      replicaId: deps.replicaId,
      config: config.export,
      metrics: this.metrics,
      log: deps.log,
      ...(this.checkpoints
        ? { durableSnapshot: () => this.checkpointThen(() => this.aggregate.snapshot()) }
        : {}),
    });
  }

  /**
   * Loads the last checkpoint (when persisted): the aggregate with its start times and, with the
   * embedded store, the sessions. Throws CheckpointFileError naming the file when it is damaged.
   */
  private restoreCheckpoint(): void {
    const checkpoint = this.checkpoints?.load();
    if (!checkpoint) return;
    if (checkpoint.replicaId !== this.deps.replicaId) {
      this.deps.log(
        'warn',
        'checkpoint was written by another replica id; its series continue under this one',
        {
          checkpointReplicaId: checkpoint.replicaId,
        },
      );
    }
    this.aggregate.restore(checkpoint.aggregate);
    if (checkpoint.store && isCheckpointableStore(this.store)) this.store.restore(checkpoint.store);
    this.exporter.markDirty();
    this.deps.log('info', 'state restored from checkpoint', {
      file: this.checkpoints?.path,
      savedAtMs: checkpoint.savedAtMs,
      series: this.aggregate.seriesCount,
      sessions: checkpoint.store?.sessions.length,
    });
  }

  /**
   * Captures a checkpoint while no ingest or housekeeping is between a state commit and its
   * aggregation (new ones wait), runs `alsoCapture` at that same moment, writes the checkpoint
   * durably, then returns what `alsoCapture` returned.
   */
  private async checkpointThen<T>(alsoCapture: () => T): Promise<T> {
    const location = this.checkpoints;
    if (!location) return alsoCapture();
    while (this.gate) await this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    let checkpoint: GatewayCheckpoint;
    let captured: T;
    try {
      if (this.busy > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
      checkpoint = {
        format: CHECKPOINT_FORMAT,
        replicaId: this.deps.replicaId,
        savedAtMs: Date.now(),
        aggregate: this.aggregate.checkpoint(),
        ...(isCheckpointableStore(this.store) ? { store: this.store.checkpoint() } : {}),
      };
      captured = alsoCapture();
    } finally {
      this.onIdle = undefined;
      this.gate = undefined;
      open();
    }
    await location.save(checkpoint);
    return captured;
  }

  /** Waits while a checkpoint is being captured, then counts this run as busy until leave(). */
  private async enter(): Promise<void> {
    while (this.gate) await this.gate;
    this.busy++;
  }

  private leave(): void {
    if (--this.busy === 0) this.onIdle?.();
  }

  /** Starts background loops after a first housekeeping (so version/series state is warm). */
  async start(): Promise<void> {
    this.restoreCheckpoint();
    await this.housekeeping();
    this.exporter.start();
    this.housekeepingTimer = setInterval(
      () => void this.housekeeping(),
      this.config.state.housekeepingIntervalMs,
    );
    this.housekeepingTimer.unref();
  }

  /** Tracked so that shutdown() can wait for it; refused once shutting down. */
  ingest(request: ExportMetricsServiceRequest, principal: Principal): Promise<IngestOutcome> {
    if (this.closed) {
      return Promise.reject(
        gatewayError('FILESFU_GW_SHUTTING_DOWN', { retryAfterSeconds: this.config.export.retryAfterSeconds }),
      );
    }
    const run = this.enter()
      .then(() => this.ingestNow(request, principal))
      .finally(() => this.leave());
    this.ingesting.add(run);
    const forget = () => this.ingesting.delete(run);
    run.then(forget, forget);
    return run;
  }

  private async ingestNow(
    request: ExportMetricsServiceRequest,
    principal: Principal,
  ): Promise<IngestOutcome> {
    const nowMs = Date.now();
    const validated = validateRequest(request, principal.installId, this.validationLimits, nowMs);
    this.metrics.received.inc(validated.receivedDataPoints);
    this.metrics.countRejections(validated.rejections);
    this.observe(validated.observed);

    const versions = await this.versions.bound(
      validated.sessions.map((s) => s.identity.version),
      nowMs,
    );
    const prepared = validated.sessions.map((session) =>
      prepareSession(
        // Every session of a request passed the install check against the principal.
        sessionStateKey(principal.installId, session.identity.sessionId),
        session,
        versions.get(session.identity.version) ?? { value: session.identity.version, bounded: undefined },
        this.bounds,
      ),
    );

    const results = await commitSessions(
      this.store,
      prepared.map((p) => p.commit),
      nowMs,
    );

    let failedSessions = 0;
    let closedWindows = 0;
    const outcome = emptyOutcome();
    const newSessionsByVersion = new Map<string, number>();
    results.forEach((result, i) => {
      const session = prepared[i]!;
      if (result.status === 'rejected') {
        failedSessions++;
        this.deps.log('warn', 'state store commit failed', { err: String(result.reason) });
        return;
      }
      sessionContributions(session, result.value, this.identities, this.thresholdLabels.length, outcome);
      closedWindows += result.value.closed.length;
      const raw = session.rawVersion;
      if (result.value.newSession && !this.labels.capLength(raw).bounded) {
        newSessionsByVersion.set(raw, (newSessionsByVersion.get(raw) ?? 0) + 1);
      }
    });

    for (const [limit, n] of outcome.bounded) this.metrics.overflowed.inc({ limit }, n);
    if (outcome.late > 0) this.metrics.late.inc(outcome.late);
    if (closedWindows > 0) this.metrics.windowsClosed.inc({ by: 'progress' }, closedWindows);
    await this.aggregateContributions(outcome.contributions, nowMs);
    const { accepted, duplicate } = outcome;
    this.metrics.accepted.inc(accepted);
    this.metrics.duplicate.inc(duplicate);
    if (newSessionsByVersion.size > 0) {
      this.store
        .recordVersionUsage(newSessionsByVersion, nowMs)
        .catch((err: unknown) =>
          this.deps.log('warn', 'recording version usage failed', { err: String(err) }),
        );
    }
    if (failedSessions > 0) {
      // Committed sessions are counted; on the client's retry they are duplicates, the rest is new.
      throw gatewayError('FILESFU_GW_OVERLOADED', {
        reason: 'state store unavailable',
        retryAfterSeconds: this.config.export.retryAfterSeconds,
      });
    }
    const rejected = validated.rejections.total;
    return {
      acceptedDataPoints: accepted,
      rejectedDataPoints: rejected,
      duplicateDataPoints: duplicate,
      errorMessage: validated.rejections.message(),
      invalidRequest: rejected > 0 && accepted === 0 && duplicate === 0,
    };
  }

  backpressure(): Backpressure {
    const retryAfterSeconds = this.config.export.retryAfterSeconds;
    if (!this.store.ready())
      return { accepting: false, retryAfterSeconds, reason: 'state store unavailable' };
    // A persisted aggregate is bounded by the series budget and survives restarts: keep accepting.
    if (!this.checkpoints && this.exporter.isBehind(this.config.export.maxUnexportedMs)) {
      return { accepting: false, retryAfterSeconds, reason: 'collector unreachable, data not exported' };
    }
    return { accepting: true, retryAfterSeconds: 0, reason: '' };
  }

  ready(): boolean {
    return !this.closed && this.store.ready();
  }

  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.housekeepingTimer) clearInterval(this.housekeepingTimer);
    await this.settleIngests();
    const flushed = await this.exporter.shutdown();
    await this.housekeepingRun;
    if (this.checkpoints) {
      // The final checkpoint holds everything acknowledged: the next start exports what this flush could not.
      await this.checkpointThen(() => undefined);
      if (!flushed)
        this.deps.log('warn', 'final flush to the collector failed; the checkpoint keeps the data');
    } else if (!flushed) {
      this.deps.log('error', 'final flush to the collector failed; unexported data is lost');
    }
    await this.store.close();
  }

  /**
   * Waits for ingests still committing to the state store, so that what they acknowledge is in the
   * final flush. Bounded: a state-store command fails after commandTimeoutMs, and an ingest makes a
   * few in sequence (versions, commits, series budget).
   */
  private async settleIngests(): Promise<void> {
    if (this.ingesting.size === 0) return;
    const boundMs = INGEST_STATE_ROUND_TRIPS * this.config.state.commandTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.allSettled([...this.ingesting]).then(() => true),
      new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), boundMs);
      }),
    ]);
    clearTimeout(timer);
    if (!settled) {
      this.deps.log('error', 'ingests still running at the final flush; what they add is not exported', {
        ingests: this.ingesting.size,
      });
    }
  }

  /** Exports now (tests, and the final flush); resolves false on failure. */
  flushNow(): Promise<boolean> {
    return this.exporter.flushAll();
  }

  private async aggregateContributions(contributions: Contribution[], nowMs: number): Promise<void> {
    if (contributions.length === 0) return;
    const admitted = await this.budget.admit(contributions, nowMs);
    let overflowed = 0;
    for (const c of contributions) {
      const own = admitted.has(c.key);
      if (c.kind === 'histogram') {
        if (!own) overflowed += c.points;
        const { key, labels } = own ? c : this.overflow.of(CPU_HISTOGRAM.name);
        this.aggregate.addHistogram(key, labels, c.delta, c.exemplar, nowMs);
      } else {
        if (!own) overflowed++;
        const { key, labels } = own ? c : this.overflow.of(c.family.active);
        this.aggregate.addWindow(c.family, key, labels, this.thresholdLabels, c.high, nowMs);
      }
    }
    // One labelled increment per request, not per point (prom-client hashes the labels each time).
    if (overflowed > 0) this.metrics.overflowed.inc({ limit: 'series' }, overflowed);
    this.exporter.markDirty();
  }

  /**
   * Expires state, re-ranks versions and counts the session windows whose grace has passed. Runs on
   * a timer; public for tests. Never rejects; overlapping runs are coalesced into the running one.
   */
  housekeeping(): Promise<void> {
    this.housekeepingRun ??= (async () => {
      await this.enter();
      const nowMs = Date.now();
      try {
        this.snapshot = await this.store.housekeeping(nowMs);
        this.versions.refresh(this.snapshot.activeVersions, nowMs);
      } catch (err) {
        this.deps.log('warn', 'state housekeeping failed', { err: (err as Error).message });
      }
      await this.closeDueWindows(nowMs);
      this.previousObservedAttributes = this.observedAttributes;
      this.observedAttributes = { maxAttributes: 0, maxAttributeValueBytes: 0 };
      this.budget.prune(nowMs);
      this.identities.clear();
      this.aggregate.expireIdle(nowMs, this.config.limits.seriesIdleTimeoutMs);
    })().finally(() => {
      this.leave();
      this.housekeepingRun = undefined;
    });
    return this.housekeepingRun;
  }

  /** Counts every session window whose end + grace has passed (each once across replicas). */
  private async closeDueWindows(nowMs: number): Promise<void> {
    try {
      const closed = await this.store.closeDueWindows(nowMs);
      if (closed.length === 0) return;
      const contributions: Contribution[] = [];
      for (const window of closed) {
        windowContributions(window, this.identities, this.thresholdLabels.length, contributions);
      }
      this.metrics.windowsClosed.inc({ by: 'timeout' }, closed.length);
      await this.aggregateContributions(contributions, nowMs);
    } catch (err) {
      this.deps.log('warn', 'closing due session windows failed', { err: (err as Error).message });
    }
  }

  private observe(observed: { maxAttributes: number; maxAttributeValueBytes: number }): void {
    this.observedAttributes = {
      maxAttributes: Math.max(this.observedAttributes.maxAttributes, observed.maxAttributes),
      maxAttributeValueBytes: Math.max(
        this.observedAttributes.maxAttributeValueBytes,
        observed.maxAttributeValueBytes,
      ),
    };
  }

  /** Read on every scrape. Attribute maxima cover the last one to two housekeeping intervals. */
  private limitReadings(): Record<LimitName, LimitReading> {
    const { limits, sessions, validation, export: exportConfig } = this.config;
    const [a, b] = [this.observedAttributes, this.previousObservedAttributes];
    const observed = {
      maxAttributes: Math.max(a.maxAttributes, b.maxAttributes),
      maxAttributeValueBytes: Math.max(a.maxAttributeValueBytes, b.maxAttributeValueBytes),
    };
    return {
      // In Prometheus series; the overflow series' reserve is always part of what is in use.
      series: {
        current: this.snapshot.usedSeries + overflowPrometheusSeries(sessions.thresholds.length),
        max: limits.maxSeries,
      },
      versions: { current: this.versions.activeCount, max: limits.maxVersions },
      sessions: { current: this.snapshot.trackedSessions, max: sessions.maxTrackedSessions },
      attributes: { current: observed.maxAttributes, max: validation.maxAttributes },
      attribute_value_bytes: {
        current: observed.maxAttributeValueBytes,
        max: validation.maxAttributeValueBytes,
      },
      unexported_seconds: {
        current: this.exporter.unexportedMs() / 1000,
        max: exportConfig.maxUnexportedMs / 1000,
      },
    };
  }
}
