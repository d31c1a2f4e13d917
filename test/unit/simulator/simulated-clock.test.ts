// The simulated-clock runner against a capturing sender: what it sends is what a watchdog sends
// (resource and point attributes, DELTA histograms), in time order per session with one request in
// flight, whole windows per request, inside a backdated period; and its ground truth is the
// definition (src/model) applied to exactly the decoded requests, over many random fleets.
import { describe, expect, it } from 'vitest';
import {
  CPU_BUCKETS,
  RESOURCE_KEYS,
  STAGE_ATTRIBUTE,
  bucketLabel,
  cpuCoresLabel,
  windowOf,
} from '../../../src/model/index.js';
import {
  AggregationTemporality,
  decodeExportMetricsServiceRequest,
  type HistogramDataPoint,
  type KeyValue,
} from '../../../src/otlp/index.js';
import type { SendOutcome } from '../../../src/simulator/request-sender.js';
import { parseScenario } from '../../../src/simulator/scenario-loader.js';
import { runSimulatedClock } from '../../../src/simulator/simulated-clock.js';
import { TruthCounter, type GroundTruth } from '../../../src/simulator/ground-truth.js';

const scenario = (seed: number) =>
  parseScenario(`
name: clock
seed: ${seed}
run: { sessions: 8, period: 30m, requestIntervals: 12 }
sessionLength: { min: 3m, max: 25m }
fleet:
  versions: [{ value: '1.0.0', weight: 1 }, { value: '2.0.0', rollout: { from: 0, to: 0.8 } }]
  os: [{ value: linux, weight: 1 }, { value: darwin, weight: 1 }]
  cpuCores: [{ value: 2, weight: 1 }, { value: 8, weight: 1 }]
stages:
  idle: { duration: [5, 30], next: { receiving: 3, syncing: 1, shutdown: 0.2 } }
  receiving: { details: { fileNameLength: [5, 100] } }
faults:
  - { name: hot-login, match: { version: '2.0.0', stage: login }, probability: 0.7, cpu: [0.85, 1] }
  - { name: long-names, match: { stage: receiving }, condition: fileNameLength > 42, probability: 0.5, cpu: [0.3, 0.9] }
noise: { spikeProbability: 0.002, bursts: { probability: 0.002, samples: [3, 12] } }
expect: { culprits: [] }
`);

interface Captured {
  sessionId: string;
  resource: Map<string, unknown>;
  points: HistogramDataPoint[];
  temporality: number;
}

const attributeMap = (attributes: KeyValue[]) => new Map(attributes.map((a) => [a.key, a.value]));

function capturingSender() {
  const requests: Captured[] = [];
  const inFlight = new Map<string, number>();
  let overlapping = 0;
  const send = async (body: Uint8Array): Promise<SendOutcome> => {
    const decoded = decodeExportMetricsServiceRequest(body);
    const rm = decoded.resourceMetrics[0]!;
    const resource = attributeMap(rm.resource?.attributes ?? []);
    const metric = rm.scopeMetrics[0]!.metrics[0]!;
    if (metric.type !== 'histogram') throw new Error('not a histogram');
    const sessionId = String(resource.get(RESOURCE_KEYS.sessionId));
    if ((inFlight.get(sessionId) ?? 0) > 0) overlapping += 1;
    inFlight.set(sessionId, (inFlight.get(sessionId) ?? 0) + 1);
    await new Promise((resolve) => setTimeout(resolve, 0));
    inFlight.set(sessionId, (inFlight.get(sessionId) ?? 1) - 1);
    requests.push({
      sessionId,
      resource,
      points: metric.dataPoints,
      temporality: metric.aggregationTemporality,
    });
    return { delivered: true, retries: 0, rejectedDataPoints: 0 };
  };
  return { requests, send, overlapping: () => overlapping };
}

const WINDOW_SECONDS = 60;
const GRACE_SECONDS = 5;
const NOW_MS = Date.UTC(2026, 11, 7, 12, 3, 17);

async function run(seed: number) {
  const sender = capturingSender();
  const result = await runSimulatedClock({
    scenario: scenario(seed),
    tokenFor: (install) => `token-${install}`,
    send: sender.send,
    windowSeconds: WINDOW_SECONDS,
    windowGraceSeconds: GRACE_SECONDS,
    nowMs: NOW_MS,
    inFlight: 4,
  });
  return { result, sender };
}

/** The truth recomputed from the decoded requests alone. */
function truthFromRequests(
  requests: readonly Captured[],
  model: ReturnType<typeof scenario>['model'],
): GroundTruth {
  const counter = new TruthCounter(model, WINDOW_SECONDS);
  const bySession = new Map<string, Captured[]>();
  for (const request of requests)
    bySession.set(request.sessionId, [...(bySession.get(request.sessionId) ?? []), request]);
  for (const [sessionId, captured] of bySession) {
    const resource = captured[0]!.resource;
    const points = captured.flatMap((c) =>
      c.points.map((p) => {
        const attributes = attributeMap(p.attributes);
        const stage = String(attributes.get(STAGE_ATTRIBUTE));
        const detailAttributes = new Map(
          [...attributes]
            .filter(([key]) => key !== STAGE_ATTRIBUTE)
            .map(([key, value]) => [key, Number(value)]),
        );
        const above = model.thresholds.map((t) => {
          const index = CPU_BUCKETS.indexOf(t);
          return p.bucketCounts.slice(index + 1).reduce((a, b) => a + b, 0);
        });
        const stream = [stage, ...[...detailAttributes].map(([k, v]) => `${k}=${v}`).sort()].join('|');
        return {
          stream,
          stage,
          detailAttributes,
          startTimeUnixNano: p.startTimeUnixNano,
          timeUnixNano: p.timeUnixNano,
          samples: p.count,
          above,
        };
      }),
    );
    counter.addSession(
      {
        sessionId,
        installId: String(resource.get(RESOURCE_KEYS.serviceInstanceId)),
        appVersion: String(resource.get(RESOURCE_KEYS.serviceVersion)),
        osType: String(resource.get(RESOURCE_KEYS.osType)) as 'linux',
        osVersion: '',
        hostArch: 'amd64',
        cpuLogicalCount: Number(resource.get(RESOURCE_KEYS.cpuLogicalCount)),
      },
      points as never,
    );
  }
  return counter.result();
}

describe('runSimulatedClock', () => {
  it('sends what a watchdog sends: resource, DELTA histograms with the CPU buckets, stage and detail attributes', async () => {
    const { result, sender } = await run(1);
    expect(sender.requests.length).toBe(result.requests);
    expect(result.exportsDelivered).toBe(result.requests);
    let samples = 0;
    const wrong: string[] = [];
    for (const request of sender.requests) {
      expect(request.temporality).toBe(AggregationTemporality.Delta);
      for (const key of Object.values(RESOURCE_KEYS)) expect(request.resource.has(key)).toBe(true);
      expect([2, 8]).toContain(request.resource.get(RESOURCE_KEYS.cpuLogicalCount));
      for (const point of request.points) {
        if (point.explicitBounds.join() !== CPU_BUCKETS.join()) wrong.push('bounds');
        if (point.bucketCounts.reduce((a, b) => a + b, 0) !== point.count) wrong.push('count');
        const attributes = attributeMap(point.attributes);
        const stage = attributes.get(STAGE_ATTRIBUTE);
        const length = attributes.get('filesfu.file.name.length');
        if ((length !== undefined) !== (stage === 'receiving'))
          wrong.push(`${String(stage)} with length ${String(length)}`);
        if (length !== undefined && !Number.isInteger(length)) wrong.push(`length ${String(length)}`);
        samples += point.count;
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(samples).toBe(result.samples);
    expect(result.sessionHours).toBeCloseTo(result.samples / 3600, 6);
  });

  it('backdates the period to end on a window boundary at least the grace before now', async () => {
    const { result, sender } = await run(2);
    const { startMs, endMs } = result.period;
    expect(endMs % (WINDOW_SECONDS * 1000)).toBe(0);
    expect(endMs).toBeLessThanOrEqual(NOW_MS - GRACE_SECONDS * 1000);
    expect(NOW_MS - GRACE_SECONDS * 1000 - endMs).toBeLessThan(WINDOW_SECONDS * 1000);
    expect(endMs - startMs).toBe(30 * 60_000);
    for (const point of sender.requests.flatMap((r) => r.points)) {
      expect(point.startTimeUnixNano).toBeGreaterThanOrEqual(BigInt(startMs) * 1_000_000n);
      expect(point.timeUnixNano).toBeLessThanOrEqual(BigInt(endMs) * 1_000_000n);
    }
  });

  it('sends each session in time order, one request in flight, whole windows per request', async () => {
    const { sender } = await run(3);
    expect(sender.overlapping()).toBe(0);
    const windowNanos = BigInt(WINDOW_SECONDS) * 1_000_000_000n;
    const bySession = new Map<string, Captured[]>();
    for (const r of sender.requests) bySession.set(r.sessionId, [...(bySession.get(r.sessionId) ?? []), r]);
    for (const captured of bySession.values()) {
      const windowsSeen = new Set<number>();
      let previousEnd = -1n;
      for (const request of captured) {
        const starts = request.points.map((p) => p.startTimeUnixNano);
        const min = starts.reduce((a, b) => (a < b ? a : b));
        const max = request.points.map((p) => p.timeUnixNano).reduce((a, b) => (a > b ? a : b));
        expect(min >= previousEnd).toBe(true);
        previousEnd = max;
        const windows = new Set(starts.map((s) => windowOf(s, windowNanos)));
        for (const w of windows) expect(windowsSeen.has(w)).toBe(false);
        for (const w of windows) windowsSeen.add(w);
      }
    }
  });

  it('its ground truth is the definition applied to exactly the requests it sent, over many random fleets', async () => {
    for (let seed = 10; seed < 18; seed++) {
      const { result, sender } = await run(seed);
      expect(truthFromRequests(sender.requests, scenario(seed).model)).toEqual(result.truth);
      // Numerator within denominator in every cell.
      for (const family of ['session', 'stage', 'detail'] as const) {
        for (const cell of result.truth[family]) {
          for (const t of result.truth.thresholds) expect(cell.high[t]!).toBeLessThanOrEqual(cell.active);
        }
      }
    }
  });

  it('labels cells as the gateway does: cpu_cores buckets and detail buckets of the model bounds', async () => {
    const { result } = await run(4);
    for (const cell of result.truth.session) expect(['<=2', '5-8']).toContain(cell.labels['cpu_cores']);
    const buckets = new Set(result.truth.detail.map((c) => c.labels['detail_bucket']));
    expect([...buckets].sort()).toEqual(
      ['21-42', '43-80', '<=20', '>80'].filter((b) => buckets.has(b)).sort(),
    );
    expect(buckets.has('43-80')).toBe(true);
    expect(cpuCoresLabel(8)).toBe('5-8');
    expect(bucketLabel(43, [20, 42, 80])).toBe('43-80');
    for (const cell of result.truth.detail) {
      expect(cell.labels['stage']).toBe('receiving');
      expect(cell.labels['detail']).toBe('file_name_length');
    }
  });

  it('counts a pegged login as a high window, and short spikes alone as none', async () => {
    const quiet = parseScenario(`
name: spikes-only
run: { sessions: 20, period: 2h }
fleet:
  versions: [{ value: '1.0.0', weight: 1 }, { value: '2.0.0', weight: 1 }]
  os: [{ value: linux, weight: 1 }]
faults:
  - { name: login, match: { version: '2.0.0', stage: login }, probability: 1, cpu: [0.9, 1] }
noise: { spikeProbability: 0.001, spikeSamples: [1, 4] }
expect: { culprits: [{ version: '2.0.0', stage: login }] }
`);
    const result = await runSimulatedClock({
      scenario: quiet,
      tokenFor: () => '',
      send: async () => ({ delivered: true, retries: 0, rejectedDataPoints: 0 }),
      windowSeconds: WINDOW_SECONDS,
      windowGraceSeconds: GRACE_SECONDS,
      nowMs: NOW_MS,
    });
    const login = (version: string) =>
      result.truth.stage.find((c) => c.labels['version'] === version && c.labels['stage'] === 'login')!;
    // Every 2.0.0 session pegs its one login (5–15 s): a high login window per session, two when
    // the episode continues across a window boundary, none when the end of the period cut the
    // login short (at most one session per install).
    const pegged = result.faultSessionsByFault['login']!;
    expect(login('2.0.0').high['0.8']).toBeLessThanOrEqual(2 * pegged);
    expect(login('2.0.0').high['0.8']).toBeGreaterThanOrEqual(pegged - 20);
    expect(login('1.0.0').high['0.3']).toBe(0);
    const healthy = result.truth.session.filter((c) => c.labels['version'] === '1.0.0');
    expect(healthy.reduce((sum, c) => sum + (c.high['0.3'] ?? 0), 0)).toBe(0);
  });
});
