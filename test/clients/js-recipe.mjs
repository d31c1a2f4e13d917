// FilesFU CPU telemetry with the OpenTelemetry JS SDK on Node (docs/clients.md).
// npm install @opentelemetry/sdk-metrics @opentelemetry/resources @opentelemetry/core @opentelemetry/otlp-transformer
/* global fetch -- built into Node 18+ */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { ExportResultCode } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';

const CPU_BUCKETS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 0.9, 1]; // the gateway's bounds, exactly
const SAMPLE_MS = 1000;
const OS_TYPES = { win32: 'windows', darwin: 'darwin', linux: 'linux' };

/** OTLP/HTTP protobuf with DELTA temporality; logs the gateway's message on a rejection. */
class FilesFuExporter {
  constructor(url, token) {
    this.url = url;
    this.token = token;
  }
  selectAggregationTemporality() {
    return AggregationTemporality.DELTA;
  }
  export(metrics, done) {
    fetch(this.url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-protobuf', Authorization: `Bearer ${this.token}` },
      body: ProtobufMetricsSerializer.serializeRequest(metrics),
    }).then(
      async (response) => {
        const body = new Uint8Array(await response.arrayBuffer());
        if (!response.ok) {
          // The reason phrase (and the google.rpc.Status body) says what to change.
          console.error(`export failed: HTTP ${response.status} ${response.statusText}`);
          return done({ code: ExportResultCode.FAILED, error: new Error(response.statusText) });
        }
        const partial = ProtobufMetricsSerializer.deserializeResponse(body).partialSuccess;
        if (partial?.errorMessage) console.warn(`export partly rejected: ${partial.errorMessage}`);
        done({ code: ExportResultCode.SUCCESS });
      },
      (error) => done({ code: ExportResultCode.FAILED, error }),
    );
  }
  forceFlush() {
    return Promise.resolve();
  }
  shutdown() {
    return Promise.resolve();
  }
}

const env = process.env;
const provider = new MeterProvider({
  resource: resourceFromAttributes({
    'service.name': 'filesfu-desktop',
    'service.version': env.FILESFU_APP_VERSION ?? '1.0.0',
    'service.instance.id': env.FILESFU_INSTALL_ID, // the install the token was issued for
    'session.id': randomUUID(), // new for every run of the app
    'os.type': OS_TYPES[process.platform] ?? process.platform,
    'filesfu.host.cpu.logical_count': availableParallelism(),
  }),
  readers: [
    new PeriodicExportingMetricReader({
      exporter: new FilesFuExporter(
        `${env.FILESFU_ENDPOINT.replace(/\/$/, '')}/v1/metrics`,
        env.FILESFU_TOKEN,
      ),
      exportIntervalMillis: Number(env.FILESFU_EXPORT_INTERVAL_MS ?? 10_000),
    }),
  ],
});
const cpu = provider.getMeter('filesfu-js-recipe').createHistogram('process.cpu.utilization', {
  unit: '1',
  description: 'Share of all logical CPUs used by the process',
  advice: { explicitBucketBoundaries: CPU_BUCKETS },
});

// Samples this process's CPU once a second; a real app samples the process it watches and sets
// filesfu.app.stage to what the app is doing (starting, login, idle, indexing, sending, ...).
const runMs = Number(env.FILESFU_RUN_SECONDS ?? 0) * 1000; // 0: until stopped
const started = Date.now();
let samples = 0;
let last = { wall: performance.now(), cpu: process.cpuUsage() };
const timer = setInterval(async () => {
  const now = { wall: performance.now(), cpu: process.cpuUsage() };
  const usedMs = (now.cpu.user + now.cpu.system - last.cpu.user - last.cpu.system) / 1000;
  const share = usedMs / Math.max(now.wall - last.wall, 1e-6) / availableParallelism();
  cpu.record(Math.min(Math.max(share, 0), 1), { 'filesfu.app.stage': 'idle' });
  samples++;
  last = now;
  if (runMs > 0 && Date.now() - started >= runMs) {
    clearInterval(timer);
    await provider.shutdown(); // exports what is left
    console.log(`recorded ${samples} samples`);
  }
}, SAMPLE_MS);
