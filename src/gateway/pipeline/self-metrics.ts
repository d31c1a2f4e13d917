import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import { overflowPrometheusSeries } from '../../model/index.js';
import type { AttributeObservations, RejectionTally } from '../validation/index.js';
import type { PipelineConfig } from './config.js';
import type { SessionOutcome } from './session-contributions.js';
import { GATEWAY_SELF_METRICS } from '../../model/index.js';

/** Every limit the pipeline enforces, as the `limit` label of the current/max gauges. */
export type LimitName =
  'series' | 'versions' | 'sessions' | 'attributes' | 'attribute_value_bytes' | 'unexported_seconds';

export interface LimitReading {
  current: number;
  max: number;
}

/**
 * The pipeline's self-metrics, names exactly as agreed with the dashboards/alerts. Gauges are read
 * on scrape from `readLimits`, so they cost nothing between scrapes.
 */
export class PipelineSelfMetrics {
  readonly received: Counter;
  readonly accepted: Counter;
  readonly rejected: Counter<'reason'>;
  readonly duplicate: Counter;
  readonly overflowed: Counter<'limit'>;
  readonly late: Counter;
  readonly windowsClosed: Counter<'by'>;
  readonly exportTotal: Counter<'result'>;
  readonly exportDuration: Histogram;
  readonly exportLastSuccess: Gauge;

  constructor(
    registry: Registry,
    readLimits: () => Record<LimitName, LimitReading>,
    readOpenWindows: () => number,
  ) {
    const registers = [registry];
    this.received = new Counter({
      name: GATEWAY_SELF_METRICS.pointsReceived,
      help: 'OTLP data points received by the pipeline (after decoding)',
      registers,
    });
    this.accepted = new Counter({
      name: GATEWAY_SELF_METRICS.pointsAccepted,
      help: 'Data points accepted and aggregated (duplicates excluded)',
      registers,
    });
    this.rejected = new Counter({
      name: GATEWAY_SELF_METRICS.pointsRejected,
      help: 'Data points rejected by validation, by reason (reported to the client as partial success)',
      labelNames: ['reason'],
      registers,
    });
    this.duplicate = new Counter({
      name: GATEWAY_SELF_METRICS.pointsDuplicate,
      help: 'Data points dropped as replays of an already counted interval (acknowledged, not rejected)',
      registers,
    });
    this.overflowed = new Counter({
      name: GATEWAY_SELF_METRICS.pointsOverflowed,
      help: 'Data points (and session increments) whose labels a limit replaced: "other" values or the overflow series',
      labelNames: ['limit'],
      registers,
    });
    this.late = new Counter({
      name: GATEWAY_SELF_METRICS.pointsLate,
      help: 'Accepted data points of a session window that was already closed and counted: in the CPU histogram, not in the window counts',
      registers,
    });
    this.windowsClosed = new Counter({
      name: GATEWAY_SELF_METRICS.windowsClosed,
      help: 'Session windows closed and counted, by what closed them: a later point of the session (progress) or housekeeping after the grace period (timeout)',
      labelNames: ['by'],
      registers,
    });
    for (const by of ['progress', 'timeout']) this.windowsClosed.inc({ by }, 0);
    const limits = () => readLimits();
    new Gauge({
      name: GATEWAY_SELF_METRICS.limitCurrent,
      help: 'Current value of each enforced limit (same unit as filesfu_gateway_limit_max)',
      labelNames: ['limit'],
      registers,
      collect() {
        for (const [limit, reading] of Object.entries(limits())) this.set({ limit }, reading.current);
      },
    });
    new Gauge({
      name: GATEWAY_SELF_METRICS.limitMax,
      help: 'Configured maximum of each enforced limit',
      labelNames: ['limit'],
      registers,
      collect() {
        for (const [limit, reading] of Object.entries(limits())) this.set({ limit }, reading.max);
      },
    });
    new Gauge({
      name: GATEWAY_SELF_METRICS.seriesActive,
      help: 'Prometheus series held in the shared series budget by the admitted label sets of all replicas, plus the reserved overflow series',
      registers,
      collect() {
        this.set(limits().series.current);
      },
    });
    new Gauge({
      name: GATEWAY_SELF_METRICS.seriesBudget,
      help: 'Configured series budget (maxSeries, in Prometheus series per replica)',
      registers,
      collect() {
        this.set(limits().series.max);
      },
    });
    new Gauge({
      name: GATEWAY_SELF_METRICS.sessionsActive,
      help: 'Sessions whose dedup watermark and progress are tracked in the state store',
      registers,
      collect() {
        this.set(limits().sessions.current);
      },
    });
    new Gauge({
      name: GATEWAY_SELF_METRICS.windowsOpen,
      help: 'Session windows open in the state store (counted when a later point or the grace period closes them), as of the last housekeeping',
      registers,
      collect() {
        this.set(readOpenWindows());
      },
    });
    this.exportTotal = new Counter({
      name: GATEWAY_SELF_METRICS.exports,
      help: 'Exports of the cumulative aggregate to the collector, by result',
      labelNames: ['result'],
      registers,
    });
    this.exportDuration = new Histogram({
      name: GATEWAY_SELF_METRICS.exportDuration,
      help: 'Duration of one export to the collector (seconds)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.exportLastSuccess = new Gauge({
      name: GATEWAY_SELF_METRICS.exportLastSuccess,
      help: 'Unix time of the last successful export to the collector (seconds)',
      registers,
    });
    for (const result of ['success', 'failure']) this.exportTotal.inc({ result }, 0);
  }

  /** What one request's committed sessions amounted to. */
  countOutcome(outcome: SessionOutcome): void {
    this.accepted.inc(outcome.accepted);
    this.duplicate.inc(outcome.duplicate);
    for (const [limit, n] of outcome.bounded) this.overflowed.inc({ limit }, n);
    if (outcome.late > 0) this.late.inc(outcome.late);
    if (outcome.closedWindows > 0) this.windowsClosed.inc({ by: 'progress' }, outcome.closedWindows);
  }

  countRejections(tally: RejectionTally): void {
    for (const [reason, n] of tally.entries()) this.rejected.inc({ reason }, n);
  }

  exported(result: 'success' | 'failure', durationSeconds: number, nowMs: number): void {
    this.exportTotal.inc({ result });
    this.exportDuration.observe(durationSeconds);
    if (result === 'success') this.exportLastSuccess.set(nowMs / 1000);
  }
}

/** What the limit gauges read besides the config. */
export interface LimitState {
  /** Prometheus series of the admitted label sets (the state store's, after housekeeping). */
  usedSeries: number;
  trackedSessions: number;
  activeVersions: number;
  attributes: AttributeObservations;
  unexportedMs: number;
}

export function limitReadings(config: PipelineConfig, state: LimitState): Record<LimitName, LimitReading> {
  const { limits, sessions, validation, export: exportConfig } = config;
  return {
    // In Prometheus series; the overflow series' reserve is always part of what is in use.
    series: {
      current: state.usedSeries + overflowPrometheusSeries(sessions.thresholds.length),
      max: limits.maxSeries,
    },
    versions: { current: state.activeVersions, max: limits.maxVersions },
    sessions: { current: state.trackedSessions, max: sessions.maxTrackedSessions },
    attributes: { current: state.attributes.maxAttributes, max: validation.maxAttributes },
    attribute_value_bytes: {
      current: state.attributes.maxAttributeValueBytes,
      max: validation.maxAttributeValueBytes,
    },
    unexported_seconds: { current: state.unexportedMs / 1000, max: exportConfig.maxUnexportedMs / 1000 },
  };
}
