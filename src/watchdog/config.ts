// The watchdog's settings: one zod schema, every limit named, with a unit and a default. Durations and
// sizes accept numbers (ms / bytes) or strings with units ("1s", "50MiB"), so the same schema serves
// the library API, CLI flags and FILESFU_WATCHDOG_* environment variables.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

function duration(description: string, defaultMs: number, minMs: number, maxMs: number) {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const ms = parseDuration(value);
      if (ms === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `not a duration: "${value}" (e.g. 500ms, 1s, 10m, 24h)`,
        });
        return z.NEVER;
      }
      return ms;
    })
    .pipe(z.number().int().min(minMs).max(maxMs))
    .default(defaultMs)
    .describe(description);
}

function size(description: string, defaultBytes: number, minBytes: number) {
  return z
    .union([z.number(), z.string()])
    .transform((value, ctx) => {
      const bytes = parseSize(value);
      if (bytes === undefined) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `not a size: "${value}" (e.g. 4096, 64KiB, 50MiB)`,
        });
        return z.NEVER;
      }
      return bytes;
    })
    .pipe(z.number().int().min(minBytes))
    .default(defaultBytes)
    .describe(description);
}

/** The watchdog's state dir unless configured; also the base of the library's default spool. */
export const DEFAULT_STATE_DIR = join(homedir(), '.filesfu-watchdog');

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

const MiB = 1024 * 1024;
const HOUR_MS = 3_600_000;

export const watchdogConfigSchema = z
  .object({
    pid: z
      .union([z.literal('self'), z.number(), z.string()])
      .transform((value, ctx) => {
        if (value === 'self') return 'self' as const;
        const pid = Number(value);
        if (!Number.isSafeInteger(pid) || pid <= 0) {
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: `not a process id: "${value}" (a positive integer or "self")`,
          });
          return z.NEVER;
        }
        return pid;
      })
      .describe('Process to watch: a pid, or "self" when embedded in the app as a library'),
    endpoint: z
      .string()
      .refine(
        isHttpUrl,
        'must be an http(s) URL, e.g. https://telemetry.example.com or http://127.0.0.1:4318/v1/metrics',
      )
      .describe('Gateway OTLP/HTTP endpoint; a bare origin gets /v1/metrics'),
    appVersion: z.string().min(1).max(64).describe('service.version: the desktop app release being watched'),
    token: z.string().min(1).optional().describe('Install token, sent as Authorization: Bearer <token>'),
    installId: z
      .string()
      .regex(/^[A-Za-z0-9-]{1,64}$/, 'letters, digits and dashes, at most 64')
      .optional()
      .describe('service.instance.id override; default: generated once and kept in <stateDir>/install-id'),
    stateDir: z
      .string()
      .min(1)
      .default(DEFAULT_STATE_DIR)
      .describe('Directory for install-id, session state, spool and the stage socket'),
    socket: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Stage socket path (Unix socket or Windows named pipe); "off" disables; default <stateDir>/stage.sock',
      ),
    sampleInterval: duration('CPU sampling period (ms)', 1000, 100, 60_000),
    exportInterval: duration('OTLP export period (ms)', 10_000, 100, HOUR_MS),
    spoolMaxBytes: size(
      'Disk spool size bound (bytes); oldest entries dropped beyond it',
      50 * MiB,
      64 * 1024,
    ),
    spoolMaxAge: duration(
      'Spool entries older than this are dropped unsent (ms)',
      24 * HOUR_MS,
      1000,
      30 * 24 * HOUR_MS,
    ),
    processTree: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .transform((v) => v === true || v === 'true')
      .default(true)
      .describe(
        "Add the CPU of the process's descendants (children, grandchildren; Linux only, elsewhere the process alone)",
      ),
    sampleJournal: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .transform((v) => v === true || v === 'true')
      .default(true)
      .describe(
        'Journal each sample to <stateDir>/spool as it is recorded (a crash loses at most one sample)',
      ),
    spoolFsync: z
      .union([z.boolean(), z.enum(['true', 'false'])])
      .transform((v) => v === true || v === 'true')
      .default(true)
      .describe('fsync each spool segment before it counts as stored'),
    replayConsent: z
      .enum(['always', 'never', 'ask-file'])
      .default('always')
      .describe("What to do with a previous run's backlog above replayConsentBytes"),
    replayConsentBytes: size('Backlog size above which replay needs consent (bytes)', 5 * MiB, 0),
    replayConsentTimeout: duration(
      'ask-file: how long to wait for <stateDir>/replay-consent (ms)',
      HOUR_MS,
      1000,
      7 * 24 * HOUR_MS,
    ),
    requestTimeout: duration('Timeout of one export POST (ms)', 10_000, 100, 300_000),
    retryBaseDelay: duration(
      'First retry delay after a failed export (ms); doubles per failure',
      1000,
      10,
      600_000,
    ),
    retryMaxDelay: duration('Cap of the exponential retry delay (ms)', 60_000, 10, 3_600_000),
    maxRetryAfter: duration('Cap on a server Retry-After (ms)', 300_000, 1000, 3_600_000),
    shutdownDrainTimeout: duration('How long shutdown waits for the spool to drain (ms)', 5000, 0, 300_000),
    maxLineBytes: size('Longest stage-protocol line (bytes); longer lines are discarded', 4096, 64),
    maxStageLength: z.coerce
      .number()
      .int()
      .min(1)
      .max(1024)
      .default(64)
      .describe('Longest stage value (characters)'),
    logLevel: z
      .enum(['debug', 'info', 'warn', 'error', 'silent'])
      .default('info')
      .describe('Log level (JSON lines on stderr)'),
  })
  .strict();

export type WatchdogConfigInput = z.input<typeof watchdogConfigSchema>;
export type WatchdogConfig = z.output<typeof watchdogConfigSchema>;

export class WatchdogConfigError extends Error {
  override readonly name = 'WatchdogConfigError';
}

/** Validates settings; throws WatchdogConfigError listing every problem by setting name. */
export function parseWatchdogConfig(input: unknown): WatchdogConfig {
  const result = watchdogConfigSchema.safeParse(input);
  if (result.success) return result.data;
  const problems = result.error.issues.map(
    (issue) => `  ${issue.path.join('.') || '(config)'}: ${issue.message}`,
  );
  throw new WatchdogConfigError(`invalid watchdog configuration:\n${problems.join('\n')}`);
}
