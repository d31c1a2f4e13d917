import type { ExportMetricsServiceRequest } from '../../otlp/index.js';
import { thresholdLabel } from '../../model/index.js';
import { LabelBounds, SeriesBudget, SeriesIdentities, VersionBounds } from '../cardinality/index.js';
import { DEFAULT_RETRY_AFTER_SECONDS, gatewayError } from '../errors/index.js';
import { ExportLoop } from '../export/index.js';
import { DurableState } from '../persistence/index.js';
import type { JournalEntry, StateSnapshot, StateStore } from '../state/index.js';
import { commitSessions, DEFAULT_COMMAND_TIMEOUT_MS } from '../state/index.js';
import type { RequestLimits } from '../validation/index.js';
import { validateRequest } from '../validation/index.js';
import { ADMISSION_CACHE_MS, GROUP_COMMIT_MS, type PipelineConfig } from './config.js';
import type { Backpressure, IngestOutcome, Pipeline, PipelineDeps, Principal } from './contract.js';
import type { LimitName, LimitReading } from './self-metrics.js';
import { limitReadings, PipelineSelfMetrics } from './self-metrics.js';
import { AttributeMaxima } from './attribute-maxima.js';
import { BudgetedAggregate } from './budgeted-aggregate.js';
import { InFlightIngests } from './in-flight-ingests.js';
import { ingestOutcome } from './ingest-outcome.js';
import { journalContributions, journalPayload } from './journaled-session.js';
import { prepareSessions, sessionBounds, type SessionBounds } from './session-commit.js';
import type { Contribution } from './session-contributions.js';
import { emptyOutcome, sessionContributions, windowContributions } from './session-contributions.js';

/**
 * validate → bound labels → commit per session (dedup + episodes + windows, atomic) → contributions
 * (CPU histogram under the session's fixed labels, closed windows) → budget → aggregate → export.
 */
export class GatewayPipeline implements Pipeline {
  private readonly aggregate: BudgetedAggregate;
  private readonly versions: VersionBounds;
  private readonly identities = new SeriesIdentities();
  private readonly exporter: ExportLoop;
  private readonly metrics: PipelineSelfMetrics;
  private readonly bounds: SessionBounds;
  private readonly validationLimits: RequestLimits;
  private readonly thresholds: number;
  private snapshot: StateSnapshot = { usedSeries: 0, trackedSessions: 0, openWindows: 0, activeVersions: [] };
  private readonly attributes = new AttributeMaxima();
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private housekeepingRun: Promise<void> | undefined;
  private readonly ingesting = new InFlightIngests<IngestOutcome>();
  private closed = false;
  /** Every state commit and its aggregation run through it; it checkpoints them (persistence.stateDir). */
  private readonly durable: DurableState;
  private readonly retryAfterSeconds: number;

  constructor(
    private readonly config: PipelineConfig,
    private readonly store: StateStore,
    private readonly deps: PipelineDeps,
  ) {
    this.retryAfterSeconds = deps.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
    const labels = new LabelBounds(config.limits);
    const admission = { ...config.limits, admissionCacheMs: ADMISSION_CACHE_MS };
    this.bounds = sessionBounds(config, labels);
    this.thresholds = config.sessions.thresholds.length;
    this.validationLimits = {
      ...config.validation,
      detailAttributes: config.details.map((d) => d.attribute),
    };
    this.versions = new VersionBounds(store, labels, admission, deps.log);
    this.aggregate = new BudgetedAggregate(
      new SeriesBudget(store, admission, deps.log),
      config.sessions.thresholds.map(thresholdLabel),
    );
    const readings = () => this.limitReadings();
    this.metrics = new PipelineSelfMetrics(deps.registry, readings, () => this.snapshot.openWindows);
    const { stateDir } = config.persistence;
    const { retryAfterSeconds } = this;
    const durable = { stateDir, aggregate: this.aggregate.store, store, groupCommitMs: GROUP_COMMIT_MS };
    this.durable = new DurableState({ ...deps, ...durable, retryAfterSeconds });
    // With a state directory nothing is exported before a checkpoint holds it.
    const durableSnapshot = () => this.durable.checkpointThen(() => this.aggregate.store.snapshot());
    const { replicaId, log } = deps;
    this.exporter = new ExportLoop({
      ...{ store: this.aggregate.store, replicaId, config: config.export, metrics: this.metrics, log },
      ...(this.durable.persisted ? { durableSnapshot } : {}),
    });
  }

  /**
   * Restores the checkpoint (and with Redis replays the journal after it), then starts background
   * loops after a first housekeeping (so version/series state is warm).
   */
  async start(): Promise<void> {
    const { identities, thresholds } = this;
    const replay = (entries: readonly JournalEntry[]) =>
      this.aggregateContributions(journalContributions(entries, identities, thresholds), Date.now());
    if (await this.durable.restore(replay)) this.exporter.markDirty();
    await this.housekeeping();
    this.exporter.start();
    const intervalMs = this.config.state.housekeepingIntervalMs;
    this.housekeepingTimer = setInterval(() => void this.housekeeping(), intervalMs);
    this.housekeepingTimer.unref();
  }

  /** Tracked so that shutdown() can wait for it; refused once shutting down. */
  ingest(request: ExportMetricsServiceRequest, principal: Principal): Promise<IngestOutcome> {
    if (this.closed) {
      return Promise.reject(
        gatewayError('FILESFU_GW_SHUTTING_DOWN', { retryAfterSeconds: this.retryAfterSeconds }),
      );
    }
    // Answered once what it added is in a checkpoint (at once without a state directory).
    return this.ingesting.track(
      this.durable
        .run(() => this.ingestNow(request, principal))
        .then((outcome) => this.durable.acknowledged().then(() => outcome)),
    );
  }

  private async ingestNow(
    request: ExportMetricsServiceRequest,
    principal: Principal,
  ): Promise<IngestOutcome> {
    const nowMs = Date.now();
    // 1. Validate the decoded request: the sessions' samples, every rejection with its reason.
    const validated = validateRequest(request, principal.installId, this.validationLimits, nowMs);
    this.metrics.received.inc(validated.receivedDataPoints);
    this.metrics.countRejections(validated.rejections);
    this.attributes.observe(validated.observed);

    // 2. Bound the labels (versions, stages, OS, length), proposing each session's label set.
    const { installId } = principal;
    const prepared = await prepareSessions(installId, validated.sessions, this.versions, this.bounds, nowMs);
    // 3. Commit every session's state in one place: watermark, windows, episodes (journaled with
    // what the commit adds when the decisions live in Redis and a checkpoint holds the aggregate).
    const journaled = this.durable.journaled;
    const commits = prepared.map((p) => (journaled ? { ...p.commit, journal: journalPayload(p) } : p.commit));
    const results = await commitSessions(this.store, commits, nowMs);
    // 4. What each committed session adds (new points and closed windows), 5. aggregated.
    const outcome = emptyOutcome();
    results.forEach((result, i) => {
      if (result.status === 'fulfilled') {
        sessionContributions(prepared[i]!, result.value, this.identities, this.thresholds, outcome);
      } else {
        outcome.failedSessions++;
        this.deps.log('warn', 'state store commit failed', { err: String(result.reason) });
      }
    });
    await this.aggregateContributions(outcome.contributions, nowMs);

    this.metrics.countOutcome(outcome);
    const versionUsageFailed = (err: unknown) =>
      this.deps.log('warn', 'recording version usage failed', { err: String(err) });
    if (outcome.newSessions.size > 0)
      this.store.recordVersionUsage(outcome.newSessions, nowMs).catch(versionUsageFailed);
    if (outcome.failedSessions > 0) {
      // Committed sessions are counted; on the client's retry they are duplicates, the rest is new.
      throw gatewayError('FILESFU_GW_OVERLOADED', {
        reason: 'state store unavailable',
        retryAfterSeconds: this.retryAfterSeconds,
      });
    }
    return ingestOutcome(outcome, validated.rejections);
  }

  backpressure(): Backpressure {
    const retryAfterSeconds = this.retryAfterSeconds;
    if (!this.store.ready())
      return { accepting: false, retryAfterSeconds, reason: 'state store unavailable' };
    // A persisted aggregate is bounded by the series budget and survives restarts: keep accepting.
    if (!this.durable.persisted && this.exporter.isBehind(this.config.export.maxUnexportedMs)) {
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
    const commandTimeoutMs = this.deps.redis?.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
    await this.ingesting.settleBeforeFlush(commandTimeoutMs, this.deps.log);
    // Windows whose grace has passed are counted in the final flush, not left to another replica
    // (or, with in-memory state, lost).
    await this.housekeepingRun;
    await this.durable.run(() => this.closeDueWindows(Date.now()));
    await this.durable.afterFinalFlush(await this.exporter.shutdown());
    await this.store.close();
  }

  /** Exports now (tests, and the final flush); resolves false on failure. */
  flushNow(): Promise<boolean> {
    return this.exporter.flushAll();
  }

  private async aggregateContributions(contributions: Contribution[], nowMs: number): Promise<void> {
    if (contributions.length === 0) return;
    const overflowed = await this.aggregate.add(contributions, nowMs);
    // One labelled increment per request, not per point (prom-client hashes the labels each time).
    if (overflowed > 0) this.metrics.overflowed.inc({ limit: 'series' }, overflowed);
    this.exporter.markDirty();
  }

  /**
   * Expires state, re-ranks versions and counts the session windows whose grace has passed. Runs on
   * a timer; public for tests. Never rejects; overlapping runs are coalesced into the running one.
   */
  housekeeping(): Promise<void> {
    this.housekeepingRun ??= this.durable
      .run(async () => {
        const nowMs = Date.now();
        // Windows first, so that the snapshot's open windows are those still open after it.
        await this.closeDueWindows(nowMs);
        try {
          this.snapshot = await this.store.housekeeping(nowMs);
          this.versions.refresh(this.snapshot.activeVersions, nowMs);
        } catch (err) {
          this.deps.log('warn', 'state housekeeping failed', { err: (err as Error).message });
        }
        this.attributes.rotate();
        this.identities.clear();
        this.aggregate.expire(nowMs, this.config.limits.seriesIdleTimeoutMs);
      })
      .finally(() => (this.housekeepingRun = undefined));
    return this.housekeepingRun;
  }

  /** Counts every session window whose end + grace has passed (each once across replicas). */
  private async closeDueWindows(nowMs: number): Promise<void> {
    try {
      const closed = await this.store.closeDueWindows(nowMs);
      if (closed.length === 0) return;
      const contributions: Contribution[] = [];
      for (const window of closed)
        windowContributions(window, this.identities, this.thresholds, contributions);
      this.metrics.windowsClosed.inc({ by: 'timeout' }, closed.length);
      await this.aggregateContributions(contributions, nowMs);
    } catch (err) {
      this.deps.log('warn', 'closing due session windows failed', { err: (err as Error).message });
    }
  }

  /** Read on every scrape. Attribute maxima cover the last one to two housekeeping intervals. */
  private limitReadings(): Record<LimitName, LimitReading> {
    return limitReadings(this.config, {
      usedSeries: this.snapshot.usedSeries,
      trackedSessions: this.snapshot.trackedSessions,
      activeVersions: this.versions.activeCount,
      attributes: this.attributes.read(),
      unexportedMs: this.exporter.unexportedMs(),
    });
  }
}
