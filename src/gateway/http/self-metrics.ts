// The HTTP layer's own metrics. Names are a contract with the dashboards and alerts: keep them exact.

import { Counter, Gauge, Histogram, collectDefaultMetrics, type Registry } from 'prom-client';
import { GATEWAY_SELF_METRICS } from '../../model/index.js';

export type ThrottledReason = 'rate_limit_install' | 'rate_limit_credential' | 'backpressure';

export interface HttpMetrics {
  requests: Counter<'code'>;
  duration: Histogram;
  bytes: Counter<'stage'>;
  throttled: Counter<'reason'>;
  authFailures: Counter<'reason'>;
  /** By stage: `admission` (before reading) or `reading` (abandoned mid-body). */
  bodyBudgetRefused: Counter<'stage'>;
  /** Reports the body budget's reserved bytes at each scrape (nothing is kept per request). */
  observeBodyBudget(readReservedBytes: () => number): void;
}

export type BodyBudgetRefusalStage = 'admission' | 'reading';

export function registerHttpMetrics(registry: Registry, options: { defaultMetrics: boolean }): HttpMetrics {
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  let readReservedBytes = (): number => 0;
  new Gauge({
    name: GATEWAY_SELF_METRICS.bodyBudgetReserved,
    help: 'Request body bytes (read plus inflated) held by requests in flight, against server.maxBufferedBodyBytes.',
    registers: [registry],
    collect() {
      this.set(readReservedBytes());
    },
  });
  return {
    requests: new Counter({
      name: GATEWAY_SELF_METRICS.httpRequests,
      help: 'OTLP export requests (POST /v1/metrics) answered, by HTTP status code.',
      labelNames: ['code'],
      registers: [registry],
    }),
    duration: new Histogram({
      name: GATEWAY_SELF_METRICS.httpRequestDuration,
      help: 'Time from the start of handling a POST /v1/metrics until its response was written.',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    bytes: new Counter({
      name: GATEWAY_SELF_METRICS.httpRequestBytes,
      help: 'Request body bytes read: as received (compressed) and after gunzip (decompressed).',
      labelNames: ['stage'],
      registers: [registry],
    }),
    throttled: new Counter({
      name: GATEWAY_SELF_METRICS.throttled,
      help: 'Requests refused with 429/503 before their body was read, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    authFailures: new Counter({
      name: GATEWAY_SELF_METRICS.authFailures,
      help: 'Requests refused with 401, by reason.',
      labelNames: ['reason'],
      registers: [registry],
    }),
    bodyBudgetRefused: new Counter({
      name: GATEWAY_SELF_METRICS.bodyBudgetRefused,
      help: 'Requests answered 503 because the request body memory budget (server.maxBufferedBodyBytes) was full: before reading (admission) or while reading/inflating (reading).',
      labelNames: ['stage'],
      registers: [registry],
    }),
    observeBodyBudget: (read) => {
      readReservedBytes = read;
    },
  };
}
