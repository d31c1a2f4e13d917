// The interface between the gateway's HTTP layer and this pipeline (agreed; change both sides together).
import type { Registry } from 'prom-client';
import type { ExportMetricsServiceRequest } from '../../otlp/index.js';
import type { RedisConfig } from '../state/index.js';

export interface Principal {
  installId: string;
  keyId: string;
}

export interface IngestOutcome {
  acceptedDataPoints: number;
  /** Reported in OTLP partial_success.rejected_data_points (client must NOT retry these). */
  rejectedDataPoints: number;
  /** Already counted (a retry/replay); silently acknowledged, NOT rejected. */
  duplicateDataPoints: number;
  /** '' when nothing was rejected; else a short human summary of reasons with counts. */
  errorMessage: string;
  /** True when nothing could be accepted because the request itself is invalid → HTTP 400. */
  invalidRequest: boolean;
  /**
   * With invalidRequest: a resource claimed another install than the credential's → HTTP 403
   * (an authorization problem, not a bad payload).
   */
  forbidden?: boolean;
  /** Points of metrics the gateway does not use: dropped and counted, neither accepted nor rejected. */
  ignoredDataPoints?: number;
  /** Every distinct rejection reason with the points that have it (operator reports). */
  rejectionReasons?: ReadonlyArray<readonly [string, number]>;
}

export interface Backpressure {
  accepting: boolean;
  retryAfterSeconds: number;
  reason: string;
}

export interface Pipeline {
  /**
   * Rejects only with a retryable GatewayError (FILESFU_GW_OVERLOADED, 503) when the state store
   * failed for part of the request; what was committed is counted and becomes a duplicate on retry.
   */
  ingest(request: ExportMetricsServiceRequest, principal: Principal): Promise<IngestOutcome>;
  /** Cheap; checked BEFORE reading the body; !accepting → 503 + Retry-After. */
  backpressure(): Backpressure;
  /** State store connected etc. (/readyz). */
  ready(): boolean;
  /** SIGTERM: final flush to the collector (bounded by config), release resources. */
  shutdown(): Promise<void>;
}

export type PipelineLog = (
  level: 'debug' | 'info' | 'warn' | 'error',
  msg: string,
  fields?: Record<string, unknown>,
) => void;

export interface PipelineDeps {
  registry: Registry;
  replicaId: string;
  log: PipelineLog;
  /** The shared Redis (gateway config `redis`); without a url, or absent, the state is in memory. */
  redis?: RedisConfig;
  /** Retry-After of the pipeline's 503s (gateway config `server.retryAfterSeconds`). */
  retryAfterSeconds?: number;
}
