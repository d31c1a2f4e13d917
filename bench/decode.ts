// npm run bench:decode — decode throughput of the gateway's OTLP codec, side by side in one run:
// our protobuf decoder, our OTLP/JSON decoder (parse + walk) on the JSON form of the same request,
// and plain JSON.parse of that JSON as the baseline. The request is ~1000 data points made by the
// OTel JS SDK's own serializers: histograms with 7 bounds and counters, 2 attributes each.
//
// A second scenario measures what the gateway mostly sees: one watchdog export (8 points), where
// per-request overhead dominates. Reports medians over interleaved rounds (so machine noise hits
// every candidate alike) as data points/s, requests/s, MB/s and the ratio to JSON.parse.

import { ValueType } from '@opentelemetry/api';
import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  dataPointCount,
  decodeExportMetricsServiceRequest,
  decodeExportMetricsServiceRequestJson,
  decodeExportMetricsServiceRequestJsonValue,
  encodeExportMetricsServiceRequest,
} from '../src/otlp/index.js';
import { CPU_BUCKETS, CPU_METRIC_NAME, KNOWN_STAGES, STAGE_ATTRIBUTE } from '../src/model/index.js';
import { median } from './median.js';

const SERIES_PER_INSTRUMENT = 500;
/** A generic workload's 7 bounds (the reference request of shared/anchors.md), not the CPU buckets. */
const GENERIC_BOUNDS = [0.05, 0.1, 0.2, 0.3, 0.5, 0.8, 1];

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const MIN_ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 200);

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

interface Payload {
  protobuf: Uint8Array;
  json: string;
}

async function serialize(
  resource: Record<string, string>,
  record: (meter: ReturnType<MeterProvider['getMeter']>) => void,
): Promise<Payload> {
  const reader = new CollectingReader({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  const provider = new MeterProvider({ resource: resourceFromAttributes(resource), readers: [reader] });
  record(provider.getMeter('filesfu-watchdog'));
  const { resourceMetrics } = await reader.collect();
  await provider.shutdown();
  const protobuf = ProtobufMetricsSerializer.serializeRequest(resourceMetrics);
  const json = JsonMetricsSerializer.serializeRequest(resourceMetrics);
  if (protobuf === undefined || json === undefined) throw new Error('SDK serializer returned nothing');
  return { protobuf, json: new TextDecoder().decode(json) };
}

/** ~1000 points: histograms with 7 bounds and counters, 2 attributes each. */
function buildLargeRequest(): Promise<Payload> {
  return serialize({ 'service.name': 'filesfu-desktop', 'service.version': '6.4.0' }, (meter) => {
    const histogram = meter.createHistogram(CPU_METRIC_NAME, {
      unit: '1',
      advice: { explicitBucketBoundaries: GENERIC_BOUNDS },
    });
    const counter = meter.createCounter('filesfu.samples', { valueType: ValueType.INT });
    for (let i = 0; i < SERIES_PER_INSTRUMENT; i++) {
      const attributes = { [STAGE_ATTRIBUTE]: `stage-${i % 8}`, 'service.version': `6.${i}.0` };
      for (let s = 0; s < 10; s++) histogram.record(((i * 7 + s * 13) % 100) / 100, attributes);
      counter.add(1 + (i % 5), attributes);
    }
  });
}

/** What one watchdog sends per export (docs/metrics.md): the CPU histogram, one point per stage. */
function buildWatchdogRequest(): Promise<Payload> {
  const resource = {
    'service.name': 'filesfu-desktop',
    'service.version': '6.4.0',
    'service.instance.id': '3f0c8e1a-2b4d-4c6e-8f10-123456789abc',
    'session.id': '8a4c6c2e-4f3b-4b0e-9b7e-1f2d3c4b5a69',
    'os.type': 'linux',
    'os.version': '6.1.0',
    'host.arch': 'amd64',
  };
  return serialize(resource, (meter) => {
    const histogram = meter.createHistogram(CPU_METRIC_NAME, {
      unit: '1',
      advice: { explicitBucketBoundaries: [...CPU_BUCKETS] },
    });
    for (const [i, stage] of KNOWN_STAGES.entries()) {
      for (let s = 0; s < 8; s++)
        histogram.record(((i * 11 + s * 17) % 100) / 100, { [STAGE_ATTRIBUTE]: stage });
    }
  });
}

interface Candidate {
  name: string;
  bytes: number;
  run: () => unknown;
  rates: number[];
}

// Defeats dead-code elimination of results.
let sink = 0;

function measure(candidate: Candidate): void {
  let iterations = 0;
  const start = process.hrtime.bigint();
  let elapsedMs = 0;
  while (elapsedMs < MIN_ROUND_MS) {
    for (let i = 0; i < 20; i++) {
      const result = candidate.run();
      if (result !== undefined) sink++;
    }
    iterations += 20;
    elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
  }
  candidate.rates.push(iterations / (elapsedMs / 1000));
}

function runScenario(title: string, { protobuf, json }: Payload): void {
  const decoded = decodeExportMetricsServiceRequest(protobuf);
  const points = decoded.resourceMetrics
    .flatMap((rm) => rm.scopeMetrics)
    .flatMap((sm) => sm.metrics)
    .reduce((total, metric) => total + dataPointCount(metric), 0);
  const jsonBytes = Buffer.byteLength(json);
  const parsed: unknown = JSON.parse(json);
  const ourProtobuf = encodeExportMetricsServiceRequest(decoded);

  const candidates: Candidate[] = [
    { name: 'JSON.parse (baseline)', bytes: jsonBytes, run: () => JSON.parse(json), rates: [] },
    {
      name: 'protobuf decode (ours)',
      bytes: protobuf.length,
      run: () => decodeExportMetricsServiceRequest(protobuf),
      rates: [],
    },
    {
      name: 'OTLP/JSON decode (ours: parse + walk)',
      bytes: jsonBytes,
      run: () => decodeExportMetricsServiceRequestJson(json),
      rates: [],
    },
    {
      name: 'OTLP/JSON walk only (pre-parsed)',
      bytes: jsonBytes,
      run: () => decodeExportMetricsServiceRequestJsonValue(parsed),
      rates: [],
    },
    {
      name: 'protobuf encode (ours)',
      bytes: ourProtobuf.length,
      run: () => encodeExportMetricsServiceRequest(decoded),
      rates: [],
    },
  ];

  console.log(
    `\n== ${title}: ${points} data points, protobuf ${protobuf.length} B (${(protobuf.length / points).toFixed(0)} B/point), JSON ${jsonBytes} B`,
  );
  for (const candidate of candidates) {
    for (let i = 0; i < 200; i++) candidate.run();
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const candidate of candidates) measure(candidate);
  }

  const baseline = median(candidates[0]!.rates) * points;
  const rows = candidates.map((c) => {
    const requestsPerSecond = median(c.rates);
    const pointsPerSecond = requestsPerSecond * points;
    return {
      candidate: c.name,
      'points/s (median)': Math.round(pointsPerSecond).toLocaleString('en-US'),
      'requests/s': Math.round(requestsPerSecond).toLocaleString('en-US'),
      'MB/s': ((requestsPerSecond * c.bytes) / 1e6).toFixed(1),
      'vs JSON.parse': `${(pointsPerSecond / baseline).toFixed(2)}x`,
      'spread (min..max points/s)': `${Math.round(Math.min(...c.rates) * points).toLocaleString('en-US')}..${Math.round(Math.max(...c.rates) * points).toLocaleString('en-US')}`,
    };
  });
  console.table(rows);
}

async function main(): Promise<void> {
  console.log(`node ${process.version}; ${ROUNDS} rounds x >= ${MIN_ROUND_MS} ms per candidate, interleaved`);
  runScenario('large request (SDK, histograms + counters)', await buildLargeRequest());
  runScenario('watchdog export (SDK, one CPU histogram point per stage)', await buildWatchdogRequest());
  if (sink === 0) console.log('(no results)');
}

await main();
