import { randomUUID } from 'node:crypto';
import type {
  ExportMetricsServiceRequest,
  HistogramDataPoint,
  ResourceMetrics,
} from '../../src/otlp/index.js';
import { CPU_BUCKETS } from '../../src/model/index.js';
import { watchdogResourceMetrics } from '../../src/load/index.js';

/** One DELTA export interval of one session, as a watchdog would send it. */
export interface SessionExport {
  sessionId: string;
  installId: string;
  version: string;
  osType: string;
  startNs: bigint;
  endNs: bigint;
  /** CPU samples per stage in this interval. */
  stages: Record<string, number[]>;
  extraResourceAttributes?: Record<string, string | number>;
  /** Extra point attributes per stage (e.g. stage-event details such as filesfu.file.name.length). */
  pointAttributes?: Record<string, Record<string, string | number>>;
}

export const NS_PER_MS = 1_000_000n;

export function nowNs(offsetMs = 0): bigint {
  return BigInt(Date.now() + offsetMs) * NS_PER_MS;
}

/** OTLP histogram point of samples on CPU_BUCKETS (bucket i holds bounds[i-1] < v <= bounds[i]). */
export function histogramPoint(
  samples: number[],
  stage: string | undefined,
  startNs: bigint,
  endNs: bigint,
  extraAttributes: Record<string, string | number> = {},
): HistogramDataPoint {
  const bucketCounts = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
  for (const v of samples) {
    const i = CPU_BUCKETS.findIndex((b) => v <= b);
    const index = i === -1 ? CPU_BUCKETS.length : i;
    bucketCounts[index] = (bucketCounts[index] ?? 0) + 1;
  }
  return {
    attributes: [
      ...(stage === undefined ? [] : [{ key: 'filesfu.app.stage', value: stage }]),
      ...Object.entries(extraAttributes).map(([key, value]) => ({ key, value })),
    ],
    startTimeUnixNano: startNs,
    timeUnixNano: endNs,
    count: samples.length,
    sum: samples.reduce((a, b) => a + b, 0),
    bucketCounts,
    explicitBounds: [...CPU_BUCKETS],
    exemplars: [],
    flags: 0,
    min: samples.length ? Math.min(...samples) : undefined,
    max: samples.length ? Math.max(...samples) : undefined,
  };
}

export function sessionResourceMetrics(session: SessionExport): ResourceMetrics {
  const attributes = [
    { key: 'service.name', value: 'filesfu-desktop' },
    { key: 'service.version', value: session.version },
    { key: 'service.instance.id', value: session.installId },
    { key: 'session.id', value: session.sessionId },
    { key: 'os.type', value: session.osType },
    { key: 'host.arch', value: 'amd64' },
    ...Object.entries(session.extraResourceAttributes ?? {}).map(([key, value]) => ({ key, value })),
  ];
  const dataPoints = Object.entries(session.stages).map(([stage, samples]) =>
    histogramPoint(samples, stage, session.startNs, session.endNs, session.pointAttributes?.[stage]),
  );
  return watchdogResourceMetrics(attributes, dataPoints);
}

export function cpuRequest(sessions: SessionExport[]): ExportMetricsServiceRequest {
  return { resourceMetrics: sessions.map(sessionResourceMetrics) };
}

/** A session export ending now, with sensible defaults. */
export function sessionExport(overrides: Partial<SessionExport> = {}): SessionExport {
  const endNs = overrides.endNs ?? nowNs();
  return {
    sessionId: randomUUID(),
    installId: 'install-1',
    version: '6.4.0',
    osType: 'linux',
    startNs: endNs - 10_000n * NS_PER_MS,
    endNs,
    stages: { idle: [0.01, 0.02] },
    ...overrides,
  };
}
