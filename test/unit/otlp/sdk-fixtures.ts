// Real metrics produced by the OTel JS SDK (every metric type it emits), collected through a
// MetricReader so tests can serialize them with the SDK's own serializers.

import { ValueType } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import {
  AggregationType,
  MeterProvider,
  MetricReader,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { CPU_BUCKETS } from '../../../src/model/index.js';

class CollectingReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

export const SDK_RESOURCE_ATTRIBUTES = {
  'service.name': 'filesfu-desktop',
  'service.version': '6.4.0',
  'session.id': '8a4c6c2e-4f3b-4b0e-9b7e-1f2d3c4b5a69',
  'resource.int': 42,
  'resource.double': 2.5,
  'resource.bool': true,
  'resource.strings': ['a', 'b'],
};

const POINT_ATTRIBUTES = [
  { 'filesfu.app.stage': 'indexing', count: 3, ratio: 0.25, enabled: true },
  { 'filesfu.app.stage': 'idle', names: ['x', 'y'], numbers: [1, 2.5, -3], flags: [true, false] },
  { 'unicode.ü': 'Grüße, 世界 🚀', negative: -1234567890123 },
];

/** Records into every instrument kind, collects `rounds` times and returns the last collection. */
export async function collectSdkMetrics(
  temporality: AggregationTemporality,
  rounds = 2,
): Promise<ResourceMetrics> {
  const reader = new CollectingReader({ aggregationTemporalitySelector: () => temporality });
  const provider = new MeterProvider({
    resource: resourceFromAttributes(SDK_RESOURCE_ATTRIBUTES),
    readers: [reader],
    views: [
      { instrumentName: 'test.exponential', aggregation: { type: AggregationType.EXPONENTIAL_HISTOGRAM } },
    ],
  });
  const meter = provider.getMeter('filesfu-watchdog', '1.2.3');
  const intCounter = meter.createCounter('test.counter.int', { valueType: ValueType.INT, unit: '{event}' });
  const doubleCounter = meter.createCounter('test.counter.double', { description: 'a double counter' });
  const upDown = meter.createUpDownCounter('test.updown', { valueType: ValueType.INT });
  const histogram = meter.createHistogram('process.cpu.utilization', {
    unit: '1',
    advice: { explicitBucketBoundaries: [...CPU_BUCKETS] },
  });
  const exponential = meter.createHistogram('test.exponential');
  const gauge = meter.createGauge('test.gauge', { valueType: ValueType.INT });
  const observableGauge = meter.createObservableGauge('test.observable.gauge');
  observableGauge.addCallback((result) => {
    result.observe(42.5, POINT_ATTRIBUTES[0]);
    result.observe(-0.125, POINT_ATTRIBUTES[1]);
  });
  const observableCounter = meter.createObservableCounter('test.observable.counter', {
    valueType: ValueType.INT,
  });
  let observed = 0;
  observableCounter.addCallback((result) => result.observe((observed += 10), POINT_ATTRIBUTES[2]));

  let last: ResourceMetrics | undefined;
  for (let round = 0; round < rounds; round++) {
    for (const [i, attributes] of POINT_ATTRIBUTES.entries()) {
      intCounter.add(3 + i + round, attributes);
      doubleCounter.add(1.5 * (i + 1), attributes);
      upDown.add(-5 - i, attributes);
      upDown.add(2, attributes);
      for (const sample of [0.01, 0.07, 0.3, 0.31, 0.85, 1, 0.5 + i * 0.1])
        histogram.record(sample, attributes);
      for (const sample of [-2, 0, 0.5, 3, 1000 * (i + 1)]) exponential.record(sample, attributes);
      gauge.record(-7 * (i + 1) + round, attributes);
    }
    const { resourceMetrics, errors } = await reader.collect();
    if (errors.length > 0) throw new Error(`SDK collection failed: ${String(errors[0])}`);
    last = resourceMetrics;
  }
  await provider.shutdown();
  if (last === undefined) throw new Error('no collection');
  return last;
}
