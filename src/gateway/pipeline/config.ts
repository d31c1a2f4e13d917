import { z } from 'zod';
import { boundedLabelSpaceSeries } from '../cardinality/index.js';
import {
  CPU_BUCKETS,
  CPU_HISTOGRAM_COST,
  KNOWN_OS_TYPES,
  KNOWN_STAGES,
  overflowPrometheusSeries,
  windowFamilyCost,
} from '../../model/index.js';
import { exportConfigSchema } from '../export/index.js';
import { DEFAULT_DETAILS, detailsConfigSchema } from './details-config.js';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const DEFAULT_MAX_VERSIONS = 20;
const DEFAULT_THRESHOLDS = [0.3, 0.8];
/** Prometheus series the default label bounds can produce at most; the default budget is sized on it. */
const DEFAULT_LABEL_SPACE_SERIES = boundedLabelSpaceSeries({
  maxVersions: DEFAULT_MAX_VERSIONS,
  stages: KNOWN_STAGES.length,
  osTypes: KNOWN_OS_TYPES.length,
  thresholds: DEFAULT_THRESHOLDS.length,
  detailBounds: DEFAULT_DETAILS.map((d) => d.bounds.length),
});
/** About twice the default label space, so the budget only bites when the label bounds are raised. */
const DEFAULT_MAX_SERIES = Math.ceil((2 * DEFAULT_LABEL_SPACE_SERIES) / 1000) * 1000;

const positiveInt = () => z.number().int().positive();

// Internal tunables, fixed: each is a trade-off inside the code, not a property of a deployment.
/**
 * A replica trusts its local copy of a series/version admission this long before asking the state
 * store again: one store round trip per label set per interval, while a budget freed elsewhere is
 * seen within seconds.
 */
export const ADMISSION_CACHE_MS = 15_000;
/** The version window slides in this many steps (resolution of the ranking). */
export const VERSION_WINDOW_BUCKETS = 24;
/** Distinct versions counted per window bucket; far above maxVersions so the ranking stays exact. */
export const MAX_TRACKED_VERSIONS = 1000;
/**
 * Streams per session whose zero-width interval at the watermark is remembered (so its retry is a
 * duplicate); a watchdog has one stream per stage, well below this.
 */
export const MAX_ZERO_WIDTH_STREAMS = 32;
/**
 * With a state directory, requests within this many milliseconds share one checkpoint (group
 * commit): long enough to batch concurrent requests, short against a request's own latency.
 */
export const GROUP_COMMIT_MS = 5;
/**
 * A session record outlives the last moment a replay of its points could still be accepted by this
 * much: keeping it longer costs memory only, forgetting it early would count a replay twice.
 */
export const DEDUP_SLACK_MS = 24 * HOUR_MS;
/** Housekeeping runs at least this often, so gauges, version ranks and eviction stay current. */
export const MAX_HOUSEKEEPING_INTERVAL_MS = 10_000;

/**
 * How long a session record is kept after its last point: while a replay of its points can still
 * pass validation (maxPointAgeMs plus the future skew its watermark may carry) and while its open
 * window can still be counted (window + grace), plus DEDUP_SLACK_MS.
 */
export function dedupWindowMs(
  validation: Pick<ValidationConfig, 'maxPointAgeMs' | 'maxFutureSkewMs'>,
  sessions: Pick<SessionsConfig, 'windowSeconds' | 'windowGraceSeconds'>,
): number {
  return (
    validation.maxPointAgeMs +
    validation.maxFutureSkewMs +
    (sessions.windowSeconds + sessions.windowGraceSeconds) * 1000 +
    DEDUP_SLACK_MS
  );
}

/**
 * Housekeeping closes due windows and expires idle series for the next export, so it runs once per
 * flush interval, and at least every MAX_HOUSEKEEPING_INTERVAL_MS.
 */
export const housekeepingIntervalMs = (flushIntervalMs: number): number =>
  Math.min(flushIntervalMs, MAX_HOUSEKEEPING_INTERVAL_MS);

export const validationConfigSchema = z
  .object({
    maxFutureSkewMs: positiveInt()
      .default(5 * MINUTE_MS)
      .describe('Milliseconds a point timestamp may lie in the future (client clock skew) before rejection'),
    maxPointAgeMs: positiveInt()
      .default(48 * HOUR_MS)
      .describe(
        'Milliseconds a point timestamp may lie in the past before rejection; must exceed the watchdog spool max age',
      ),
    maxAttributes: positiveInt()
      .default(128)
      .describe('Maximum number of attributes on one resource or one data point (count)'),
    maxAttributeValueBytes: positiveInt()
      .default(4096)
      .describe('Maximum size of one attribute value in UTF-8 bytes (arrays/kvlists: summed)'),
  })
  .strict()
  .default({});

export const limitsConfigSchema = z
  .object({
    maxSeries: positiveInt()
      // The floor with one threshold; pipelineConfigProblems checks it against the configured ones.
      .min(overflowPrometheusSeries(1), {
        message: `must be at least ${overflowPrometheusSeries(1)}, the Prometheus series of the overflow series it reserves`,
      })
      .default(DEFAULT_MAX_SERIES)
      .describe(
        `Series budget in Prometheus series per replica (a CPU histogram label set costs ${CPU_HISTOGRAM_COST}, a session-window family label set 1 + one per threshold (${windowFamilyCost(DEFAULT_THRESHOLDS.length)} with the default thresholds), admitted as one; ${overflowPrometheusSeries(0)} + ${overflowPrometheusSeries(1) - overflowPrometheusSeries(0)} per threshold (${overflowPrometheusSeries(DEFAULT_THRESHOLDS.length)} with the default thresholds) are reserved for the overflow series, which take every point and window beyond the budget). The admitted label sets are shared by all replicas through the state store, but each replica forwards its own copy (own \`instance\` label): Prometheus holds up to replicas × maxSeries. The default is about twice the ${DEFAULT_LABEL_SPACE_SERIES} series the default label bounds (versions, stages, OS types, cpu_cores, thresholds and the default details) can produce at most, so it only bites when those bounds are raised`,
      ),
    maxVersions: positiveInt()
      .default(DEFAULT_MAX_VERSIONS)
      .describe('Maximum number of distinct active `version` label values (count); the rest become "other"'),
    maxLabelValueLength: positiveInt()
      .default(64)
      .describe('Maximum length of any forwarded label value (characters); longer values become "other"'),
    seriesIdleTimeoutMs: positiveInt()
      .default(15 * MINUTE_MS)
      .describe(
        'Milliseconds after which a label set that received no points expires and frees its Prometheus series in the budget',
      ),
    versionWindowMs: positiveInt()
      .default(24 * HOUR_MS)
      .describe('Sliding window (milliseconds) over which version usage (new sessions) is ranked'),
    stages: z
      .array(z.string().min(1))
      .default([...KNOWN_STAGES])
      .describe('Allow-list of `stage` label values; others become "other"'),
    osTypes: z
      .array(z.string().min(1))
      .default([...KNOWN_OS_TYPES])
      .describe('Allow-list of `os` label values; others become "other"'),
  })
  .strict()
  .default({});

export const sessionsConfigSchema = z
  .object({
    thresholds: z
      .array(z.number())
      .min(1)
      .default([...DEFAULT_THRESHOLDS])
      .refine((ts) => ts.every((t) => CPU_BUCKETS.includes(t)), {
        message: `every threshold must be one of CPU_BUCKETS (${CPU_BUCKETS.join(', ')})`,
      })
      .describe(
        'CPU utilization thresholds (fraction of all logical CPUs, as process.cpu.utilization), each a CPU histogram bound; one high-CPU window counter per threshold',
      ),
    episodeMinSamples: positiveInt()
      .max(0xffff_ffff)
      .default(5)
      .describe(
        'Samples above a threshold (count; 5 = 5 s at 1 s sampling) a run of consecutive hot points of one stream must hold to be a high-CPU episode; shorter spikes never count, however many a session has',
      ),
    windowSeconds: positiveInt()
      .default(600)
      .describe(
        'Length of a session window (seconds): each session counts once per fixed wall-clock window it reported in (active), and once more per threshold when it had an episode there (high)',
      ),
    windowGraceSeconds: z
      .number()
      .int()
      .nonnegative()
      .default(120)
      .describe(
        'Seconds after its end a session window stays open for late points (spooled or slow exports) before housekeeping closes and counts it; a session that sends a point of a later window closes it at once',
      ),
    maxTrackedSessions: positiveInt()
      .default(200_000)
      .describe(
        'Maximum number of sessions whose dedup watermark and progress are kept (count); least recently seen are evicted',
      ),
  })
  .strict()
  .default({});

export const persistenceConfigSchema = z
  .object({
    stateDir: z
      .string()
      .min(1)
      .optional()
      .describe(
        "Directory of this replica's checkpoint (FILESFU_GATEWAY_STATE_DIR): the aggregate with its start times and, with in-memory state, the sessions, series budget and version set; written before every export, before answering requests (requests within a few milliseconds share one checkpoint) and at SIGTERM, loaded at start. With Redis state it also names this replica's journal in Redis, replayed at start. While it is set the gateway keeps accepting during collector outages (export.maxUnexportedMs does not apply). Unset = nothing survives a restart, with Redis state too: a crash loses what was acknowledged since the last flush (exactly-once across a crash needs it). One directory per replica",
      ),
  })
  .strict()
  .default({});

export const pipelineConfigSchema = z
  .object({
    validation: validationConfigSchema,
    limits: limitsConfigSchema,
    sessions: sessionsConfigSchema,
    export: exportConfigSchema,
    details: detailsConfigSchema,
    persistence: persistenceConfigSchema,
  })
  .strict()
  .transform((input) => ({
    ...input,
    /** Derived, not settings: see dedupWindowMs and housekeepingIntervalMs. */
    state: {
      dedupWindowMs: dedupWindowMs(input.validation, input.sessions),
      housekeepingIntervalMs: housekeepingIntervalMs(input.export.flushIntervalMs),
    },
  }));

export type PipelineConfig = z.infer<typeof pipelineConfigSchema>;
export type ValidationConfig = z.infer<typeof validationConfigSchema>;
export type LimitsConfig = z.infer<typeof limitsConfigSchema>;
export type SessionsConfig = z.infer<typeof sessionsConfigSchema>;
export type StateConfig = PipelineConfig['state'];
export type { ExportConfig } from '../export/index.js';
export type PersistenceConfig = PipelineConfig['persistence'];
export type { DetailConfig } from './details-config.js';

/**
 * Rules across sections, which the per-section schemas cannot check. Returns human-readable problems;
 * empty when consistent.
 */
export function pipelineConfigProblems(config: PipelineConfig): string[] {
  const problems: string[] = [];
  const reserved = overflowPrometheusSeries(config.sessions.thresholds.length);
  if (config.limits.maxSeries < reserved) {
    problems.push(
      `pipeline.limits.maxSeries must be at least ${reserved}, the Prometheus series of the overflow series it reserves with ${config.sessions.thresholds.length} thresholds`,
    );
  }
  if (ADMISSION_CACHE_MS >= config.limits.seriesIdleTimeoutMs) {
    problems.push(
      `pipeline.limits.seriesIdleTimeoutMs must exceed ${ADMISSION_CACHE_MS} ms, the time a replica trusts its copy of an admission`,
    );
  }
  if (config.limits.versionWindowMs < VERSION_WINDOW_BUCKETS) {
    problems.push(`pipeline.limits.versionWindowMs must be at least ${VERSION_WINDOW_BUCKETS} milliseconds`);
  }
  return problems;
}
