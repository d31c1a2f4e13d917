import { z } from 'zod';

const positiveInt = () => z.number().int().positive();

/** The default of `server.shutdownGraceMs`, which also bounds the final flush on SIGTERM. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
/** A collector on a healthy network answers within this, however short the flush interval. */
const MIN_EXPORT_TIMEOUT_MS = 1_000;

/**
 * One export may take half the flush interval (the OpenTelemetry SDK's own default ratio), and at
 * least a second. Flushes never overlap, so a slow collector delays the next flush, never stacks them.
 */
export const exportTimeoutMs = (flushIntervalMs: number): number =>
  Math.max(Math.floor(flushIntervalMs / 2), MIN_EXPORT_TIMEOUT_MS);

/** Where and how often the cumulative aggregate goes to the collector (`pipeline.export`). */
export const exportConfigSchema = z
  .object({
    collectorUrl: z
      .string()
      .url()
      .default('http://127.0.0.1:4318/v1/metrics')
      .describe('OTLP/HTTP metrics endpoint of the collector (full URL ending in /v1/metrics)'),
    flushIntervalMs: positiveInt()
      .default(10_000)
      .describe(
        'Milliseconds between exports of the cumulative aggregate to the collector; one export may take half of it (at least 1 s)',
      ),
    maxUnexportedMs: positiveInt()
      .default(60_000)
      .describe(
        'Milliseconds accepted data may stay unexported while exports fail (collector down) before the gateway refuses new data with 503; only without persistence.stateDir (with it, the persisted aggregate absorbs the outage)',
      ),
  })
  .strict()
  .transform((input) => ({
    ...input,
    /** Derived: see exportTimeoutMs. */
    timeoutMs: exportTimeoutMs(input.flushIntervalMs),
    /**
     * Derived: the gateway's config sets it to server.shutdownGraceMs; a pipeline built on its own
     * gets that setting's default.
     */
    shutdownFlushTimeoutMs: DEFAULT_SHUTDOWN_GRACE_MS,
  }))
  .default({});

export type ExportConfig = z.infer<typeof exportConfigSchema>;
