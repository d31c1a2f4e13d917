// Triage settings: every limit named, documented, with a default and a unit; validated with zod so
// a bad flag fails with a clear message before any query runs (docs/report.md "Settings").
import { z } from 'zod';

const DURATION = /^(\d+)(s|m|h|d|w)$/;
const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

export function durationSeconds(duration: string): number {
  const match = DURATION.exec(duration);
  if (!match) throw new Error(`not a Prometheus duration like 12h or 30m: ${duration}`);
  return Number(match[1]) * (UNIT_SECONDS[match[2] as string] as number);
}

/** The statistical settings (also used without Prometheus: replay, power table, tests). */
export const searchSettingsSchema = z.object({
  /** False discovery rate of Benjamini–Hochberg over every test (probability). */
  alpha: z.coerce.number().gt(0).lt(1).default(0.01),
  /** Effect-size floor: risk difference against the complement (fraction; 0.05 = 5 points of over-rate). */
  minRiskDifference: z.coerce.number().min(0).max(1).default(0.05),
  /** Confidence level of the printed intervals (probability). */
  confidenceLevel: z.coerce.number().gt(0).lt(1).default(0.95),
  /** Most causes named (count). */
  maxCulprits: z.coerce.number().int().min(1).max(50).default(5),
  /** A sibling cell informs the dispersion estimate when it expects this many high and other windows (windows). */
  minExpected: z.coerce.number().min(1).default(3),
  /** Upper bound of the healthy between-cell variance on the logit scale (logit²). */
  maxTau2: z.coerce.number().min(0).default(4),
});

export const triageOptionsSchema = searchSettingsSchema.extend({
  /** Base URL of Prometheus' HTTP API. */
  prometheusUrl: z.string().url().default('http://127.0.0.1:9090'),
  /** Look-back range as a Prometheus duration (e.g. 12h, 1d); whole session windows read best. */
  range: z
    .string()
    .regex(DURATION, 'range must be a Prometheus duration such as 12h, 30m or 1d')
    .refine((value) => !DURATION.test(value) || durationSeconds(value) > 0, 'range must be longer than 0')
    .default('12h'),
  /** CPU threshold (share of all CPUs); one the gateway counts (pipeline.sessions.thresholds: 0.3, 0.8). */
  threshold: z.coerce.number().gt(0).lte(1).default(0.3),
  /** Example session ids per culprit (sessions). */
  exampleSessions: z.coerce.number().int().min(0).max(50).default(5),
  /** Evaluation time (Unix seconds); default now. */
  at: z.coerce.number().positive().optional(),
  /** Timeout of each Prometheus request (milliseconds). */
  timeoutMs: z.coerce.number().int().min(100).default(15_000),
});

export type SearchSettingsInput = z.input<typeof searchSettingsSchema>;
export type TriageOptionsInput = z.input<typeof triageOptionsSchema>;
export type TriageOptions = z.output<typeof triageOptionsSchema>;

function parse<T extends z.ZodTypeAny>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join('.') || 'options'}: ${issue.message}`,
    );
    throw new Error(`invalid triage options:\n  ${problems.join('\n  ')}`);
  }
  return result.data as z.output<T>;
}

export function parseTriageOptions(input: TriageOptionsInput): TriageOptions {
  return parse(triageOptionsSchema, input);
}

export function parseSearchSettings(input: SearchSettingsInput = {}): z.output<typeof searchSettingsSchema> {
  return parse(searchSettingsSchema, input);
}
