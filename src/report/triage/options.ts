// Triage settings: every limit named, documented, with a default and a unit; validated with zod so
// a bad flag fails with a clear message before any query runs.
import { z } from 'zod';
import { DEFAULT_RANKING_CRITERIA } from './ranking.js';

const DURATION = /^(\d+)(s|m|h|d|w)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export function durationSeconds(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`not a Prometheus duration like 12h or 30m: ${duration}`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

export const triageOptionsSchema = z.object({
  /** Base URL of Prometheus' HTTP API. */
  prometheusUrl: z.string().url().default('http://127.0.0.1:9090'),
  /** Look-back window as a Prometheus duration (e.g. 12h, 1d). */
  range: z
    .string()
    .regex(DURATION, 'range must be a Prometheus duration such as 12h, 30m or 1d')
    .refine((value) => !DURATION.test(value) || durationSeconds(value) > 0, 'range must be longer than 0')
    .default('12h'),
  /** CPU threshold (share of all CPUs); must be one the gateway counts (docs/metrics.md: 0.3, 0.8). */
  threshold: z.coerce.number().gt(0).lte(1).default(0.3),
  /** Minimum sessions for a version / cell to be ranked (sessions). */
  minSessions: z.coerce.number().int().min(1).default(DEFAULT_RANKING_CRITERIA.minSessions),
  /** Minimum high-CPU sessions for a version / cell to be ranked (sessions). */
  minOverSessions: z.coerce.number().int().min(1).default(DEFAULT_RANKING_CRITERIA.minOverSessions),
  /** Effect-size floor: over-rate ÷ fleet over-rate (ratio). */
  minLift: z.coerce.number().min(1).default(DEFAULT_RANKING_CRITERIA.minLift),
  /** Effect-size floor: over-rate minus the rest's over-rate (fraction; 0.05 = 5 points). */
  minRateDifference: z.coerce.number().min(0).max(1).default(DEFAULT_RANKING_CRITERIA.minRateDifference),
  /** False discovery rate of the Benjamini–Hochberg correction (probability). */
  alpha: z.coerce.number().gt(0).lt(1).default(DEFAULT_RANKING_CRITERIA.alpha),
  /** How many suspect versions to drill into (versions). */
  maxDrillVersions: z.coerce.number().int().min(1).max(20).default(3),
  /** Example session ids per suspect (sessions). */
  exampleSessions: z.coerce.number().int().min(0).max(50).default(5),
  /** Evaluation time (Unix seconds); default now. */
  at: z.coerce.number().positive().optional(),
  /** Timeout of each Prometheus request (milliseconds). */
  timeoutMs: z.coerce.number().int().min(100).default(15_000),
});

export type TriageOptionsInput = z.input<typeof triageOptionsSchema>;
export type TriageOptions = z.output<typeof triageOptionsSchema>;

export function parseTriageOptions(input: TriageOptionsInput): TriageOptions {
  const result = triageOptionsSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new Error(`invalid triage options:\n  ${problems.join('\n  ')}`);
  }
  return result.data;
}
