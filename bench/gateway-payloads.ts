// Watchdog-shaped OTLP export bodies for the gateway benchmark: each request comes from one
// install and carries sessions of `pointsPerSession` (10 by default) consecutive 10 s intervals each,
// so every point is new to the gateway's dedup (never the cheap duplicate path) and every session
// is new to its session store (the per-session work is paid once per `pointsPerSession` points).

import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { mintInstallToken } from '../src/gateway/auth/index.js';
import { watchdogResourceMetrics } from '../src/load/index.js';
import { CPU_BUCKETS, STAGE_ATTRIBUTE } from '../src/model/index.js';
import {
  encodeExportMetricsServiceRequest,
  type HistogramDataPoint,
  type ResourceMetrics,
} from '../src/otlp/index.js';

const BOUNDS = [...CPU_BUCKETS];
const STAGES = ['idle', 'indexing', 'sending', 'syncing'];
const INTERVAL_NS = 10_000_000_000n;

export interface PayloadOptions {
  pointsPerRequest: number;
  gzip: boolean;
  keyId: string;
  secret: string;
  /** Consecutive intervals per session (a resource of its own); default 10. */
  pointsPerSession?: number;
  /**
   * Unset: every request comes from a new install (new token, new rate-limit buckets). Set: requests
   * cycle through `count` installs, each keeping one token (issued at `issuedAtSeconds`, so that
   * every load-generator process sends the same tokens), as watchdogs do.
   */
  returningInstalls?: { count: number; issuedAtSeconds: number };
}

export interface Payload {
  body: Buffer;
  headers: Record<string, string>;
  points: number;
}

/** The body of request number `requestIndex` of a run (it picks the install when they return). */
export function buildPayload(options: PayloadOptions, requestIndex: number): Payload {
  const returning = options.returningInstalls;
  const installId = returning ? returningInstallId(requestIndex % returning.count) : randomUUID();
  const nowNs = BigInt(Date.now()) * 1_000_000n;
  const resourceMetrics: ResourceMetrics[] = [];
  let points = 0;
  while (points < options.pointsPerRequest) {
    const inSession = Math.min(options.pointsPerSession ?? 10, options.pointsPerRequest - points);
    resourceMetrics.push(session(installId, inSession, nowNs, resourceMetrics.length));
    points += inSession;
  }
  const encoded = Buffer.from(encodeExportMetricsServiceRequest({ resourceMetrics }));
  const headers: Record<string, string> = {
    'content-type': 'application/x-protobuf',
    authorization: `Bearer ${mintInstallToken({
      installId,
      keyId: options.keyId,
      secret: options.secret,
      issuedAtSeconds: returning?.issuedAtSeconds,
    })}`,
  };
  if (options.gzip) headers['content-encoding'] = 'gzip';
  return { body: options.gzip ? gzipSync(encoded) : encoded, headers, points };
}

/** A fixed UUID per install number, the same in every load-generator process. */
function returningInstallId(install: number): string {
  return `00000000-0000-4000-8000-${install.toString(16).padStart(12, '0')}`;
}

function session(installId: string, count: number, nowNs: bigint, index: number): ResourceMetrics {
  const stage = STAGES[index % STAGES.length] as string;
  const dataPoints: HistogramDataPoint[] = [];
  for (let i = 0; i < count; i++) {
    const end = nowNs - BigInt(count - i) * INTERVAL_NS;
    const busy = (index + i) % 7;
    dataPoints.push({
      attributes: [{ key: STAGE_ATTRIBUTE, value: stage }],
      startTimeUnixNano: end - INTERVAL_NS,
      timeUnixNano: end,
      count: 10,
      sum: 1.5 + busy * 0.4,
      bucketCounts: [3, 2, 1, 1, 1, busy % 2, 1 - (busy % 2), 1, 0],
      explicitBounds: BOUNDS,
      exemplars: [],
      flags: 0,
      min: 0.01,
      max: 0.95,
    });
  }
  return watchdogResourceMetrics(
    [
      { key: 'service.name', value: 'filesfu-desktop' },
      { key: 'service.version', value: `6.${index % 3}.0` },
      { key: 'service.instance.id', value: installId },
      { key: 'session.id', value: randomUUID() },
      { key: 'os.type', value: ['linux', 'darwin', 'windows'][index % 3] as string },
      { key: 'os.version', value: '6.1.0' },
      { key: 'host.arch', value: 'amd64' },
    ],
    dataPoints,
  );
}
