import { z } from 'zod';

const positiveInt = () => z.number().int().positive();

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
      .describe('Milliseconds between exports of the cumulative aggregate to the collector'),
    timeoutMs: positiveInt().default(5_000).describe('Milliseconds one export request may take'),
    maxUnexportedMs: positiveInt()
      .default(60_000)
      .describe(
        'Milliseconds accepted data may stay unexported while exports fail (collector down) before the gateway refuses new data with 503; only without persistence.stateDir (with it, the persisted aggregate absorbs the outage)',
      ),
    shutdownFlushTimeoutMs: positiveInt()
      .default(10_000)
      .describe('Milliseconds the final flush on SIGTERM may take, retries included'),
  })
  .strict()
  .default({});

export type ExportConfig = z.infer<typeof exportConfigSchema>;
