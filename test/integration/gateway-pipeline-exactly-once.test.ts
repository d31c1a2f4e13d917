import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryExemplars, startStack, type Stack } from '../../src/stack/index.js';
import { encodeExportMetricsServiceRequest } from '../../src/otlp/index.js';
import { cpuRequest, NS_PER_MS, sessionExport, type SessionExport } from '../support/cpu-requests.js';
import {
  freshSum,
  gatewayMetric,
  nextWindowNs,
  pastWindowNs,
  postBytes,
  postRequest,
  promSum,
  settledSum,
  TEST_WINDOWS,
} from './gateway-pipeline-fixtures.js';

// Exactly-once and shared state through the REAL chain: two gateway replicas sharing a real Redis,
// our collector build, Prometheus. Requests of one session alternate between replicas (no sticky
// routing) and every request is retried against the other replica. Points lie in past session
// windows (TEST_WINDOWS), so the replicas' housekeeping counts each session window once, at once.

/**
 * Prometheus series per replica: 20 reserved for the overflow series leave room for the label sets
 * of the earlier tests (about 85 series: a histogram of 11 and a session and a stage window label
 * set of 3 per version and stage) and two or three versions of the budget test.
 */
const MAX_SERIES = 150;
const FLUSH_MS = 1000;
const SECOND_NS = 1000n * NS_PER_MS;
const INSTALL = 'install-exactly-once';

describe('gateway pipeline: exactly-once with shared Redis state', () => {
  let stack: Stack;
  let token: string;

  beforeAll(async () => {
    stack = await startStack({
      redis: true,
      gatewayReplicas: 2,
      prometheusIntervalSeconds: 1,
      gatewayConfig: {
        rateLimit: { enabled: false },
        pipeline: {
          export: { flushIntervalMs: FLUSH_MS },
          limits: { maxSeries: MAX_SERIES, maxVersions: 100 },
          sessions: TEST_WINDOWS,
        },
      },
    });
    token = stack.mintToken(INSTALL);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('counts the same protobuf request POSTed twice once, also when replayed after a gateway restart', async () => {
    const session = sessionExport({
      installId: INSTALL,
      version: 'dedup',
      endNs: pastWindowNs() + 10n * SECOND_NS,
      stages: { idle: [0.1, 0.2, 0.6] },
    });
    const bytes = encodeExportMetricsServiceRequest(cpuRequest([session]));
    expect((await postBytes(stack.gatewayUrls[0]!, token, bytes)).status).toBe(200);
    expect((await postBytes(stack.gatewayUrls[0]!, token, bytes)).status).toBe(200);
    const selector = 'process_cpu_utilization_count{version="dedup"}';
    expect(await settledSum(stack, selector, FLUSH_MS, 'dedup CPU samples')).toBe(3);
    // Counted at the next housekeeping (1 s), then announced at zero, then exported with its total.
    const windows = 'filesfu_session_windows_total{version="dedup"}';
    expect(await settledSum(stack, windows, FLUSH_MS, 'dedup session windows', 3)).toBe(1);
    expect(await promSum(stack, windows)).toBe(1);
    expect(await gatewayMetric(stack.gatewayUrls[0]!, 'filesfu_gateway_datapoints_duplicate_total')).toBe(1);

    // The acknowledged batch replayed after a restart (the watchdog's spool) is still a duplicate:
    // the watermark lives in Redis, not in the process.
    await stack.stopGateway(0);
    await stack.startGateway(0);
    expect((await postBytes(stack.gatewayUrls[0]!, token, bytes)).status).toBe(200);
    // ...and against the other replica as well.
    expect((await postBytes(stack.gatewayUrls[1]!, token, bytes)).status).toBe(200);
    expect(await gatewayMetric(stack.gatewayUrls[0]!, 'filesfu_gateway_datapoints_duplicate_total')).toBe(1);
    expect(await gatewayMetric(stack.gatewayUrls[0]!, 'filesfu_gateway_datapoints_accepted_total')).toBe(0);
    expect(await gatewayMetric(stack.gatewayUrls[1]!, 'filesfu_gateway_datapoints_duplicate_total')).toBe(1);
    expect(await promSum(stack, selector)).toBe(3);
    expect(await promSum(stack, windows)).toBe(1);
  });

  it('counts a zero-width interval at the watermark once when it is retried on the other replica', async () => {
    // The watchdog's shutdown export can end in the same millisecond as the one before: its
    // interval starts and ends at the session's watermark, so "before the watermark" cannot see
    // its retry.
    // Both in one session window.
    const end = pastWindowNs() + 8n * SECOND_NS;
    const first = sessionExport({
      installId: INSTALL,
      version: 'zero-width',
      startNs: end - 6n * SECOND_NS,
      endNs: end,
      stages: { idle: [0.1, 0.2] },
    });
    const last = { ...first, startNs: end, endNs: end, stages: { idle: [0.5] } };
    const duplicatesBefore = await gatewayMetric(
      stack.gatewayUrls[0]!,
      'filesfu_gateway_datapoints_duplicate_total',
    );
    await postRequest(stack.gatewayUrls[0]!, token, cpuRequest([first]));
    const lastBytes = encodeExportMetricsServiceRequest(cpuRequest([last]));
    expect((await postBytes(stack.gatewayUrls[1]!, token, lastBytes)).status).toBe(200);
    expect((await postBytes(stack.gatewayUrls[0]!, token, lastBytes)).status).toBe(200);
    expect(await gatewayMetric(stack.gatewayUrls[0]!, 'filesfu_gateway_datapoints_duplicate_total')).toBe(
      duplicatesBefore + 1,
    );
    expect(
      await settledSum(stack, 'process_cpu_utilization_count{version="zero-width"}', FLUSH_MS, 'samples'),
    ).toBe(3);
    expect(
      await settledSum(stack, 'filesfu_session_windows_total{version="zero-width"}', FLUSH_MS, 'windows', 3),
    ).toBe(1);
  });

  it('counts session windows exactly when requests alternate between replicas and every request is retried', async () => {
    const sessions = 6;
    const intervals = 4;
    // 8 s of the next 10 s window: it stays open while the requests are sent, then the clock closes it.
    const startNs = nextWindowNs() + SECOND_NS;
    const closedMs =
      Number((startNs - SECOND_NS) / NS_PER_MS) +
      (TEST_WINDOWS.windowSeconds + TEST_WINDOWS.windowGraceSeconds) * 1000;
    let samples = 0;
    const hotSessions = new Set<string>();
    const allSessions = new Set<string>();
    for (let s = 0; s < sessions; s++) {
      const sessionId = randomUUID();
      allSessions.add(sessionId);
      if (s % 2 === 0) hotSessions.add(sessionId);
      for (let i = 0; i < intervals; i++) {
        // Indexing is hot at 0.3 in every interval (2 of 3 samples): an episode from the 3rd interval
        // on. Idle of even sessions is hot at 0.8, but its run holds only 4 samples: no episode.
        const stages = { indexing: [0.45, 0.5, 0.05], idle: s % 2 === 0 ? [0.95] : [0.01] };
        const request = cpuRequest([
          {
            sessionId,
            installId: INSTALL,
            version: 'alternate',
            osType: 'darwin',
            startNs: startNs + BigInt(i) * 2n * SECOND_NS,
            endNs: startNs + BigInt(i + 1) * 2n * SECOND_NS,
            stages,
          },
        ]);
        samples += 4;
        const bytes = encodeExportMetricsServiceRequest(request);
        const first = stack.gatewayUrls[(s + i) % 2]!;
        const retry = stack.gatewayUrls[(s + i + 1) % 2]!;
        expect((await postBytes(first, token, bytes)).status).toBe(200);
        expect((await postBytes(retry, token, bytes)).status).toBe(200);
      }
    }
    const sentMs = Date.now();
    expect(
      await settledSum(stack, 'process_cpu_utilization_count{version="alternate"}', FLUSH_MS, 'samples'),
    ).toBe(samples);
    // Closed by the first housekeeping after the grace, announced at zero, then exported in full.
    const countedMs = closedMs + 1000 + 2.5 * FLUSH_MS;
    expect(
      await freshSum(
        stack,
        'filesfu_session_windows_total{version="alternate"}',
        countedMs,
        'session windows',
      ),
    ).toBe(sessions);
    const high = await stack.queryPrometheus(
      'sum by (threshold) (filesfu_session_windows_high_cpu_total{version="alternate"})',
    );
    expect(Object.fromEntries(high.map((s) => [s.metric['threshold'], Number(s.value[1])]))).toEqual({
      '0.3': sessions,
      '0.8': 0,
    });
    const stageHigh = await stack.queryPrometheus(
      'sum by (stage, threshold) (filesfu_stage_windows_high_cpu_total{version="alternate"})',
    );
    expect(
      stageHigh.map((s) => `${s.metric['stage']}@${s.metric['threshold']}=${s.value[1]}`).sort(),
    ).toEqual(['idle@0.3=0', 'idle@0.8=0', `indexing@0.3=${sessions}`, 'indexing@0.8=0']);
    expect(await promSum(stack, 'filesfu_stage_windows_total{version="alternate"}')).toBe(sessions * 2);
    // Every flush interval's exemplar names the session with the highest sample in it, by attribute
    // and as trace id (its UUID bytes); the highest of all is one of the sessions that hit 0.95.
    const exemplars = await queryExemplars(
      stack.prometheusUrl,
      'process_cpu_utilization_bucket{version="alternate", stage="idle"}',
      sentMs / 1000 - 600,
      Date.now() / 1000 + 60,
    );
    const found = exemplars.flatMap((series) => series.exemplars);
    expect(found.length).toBeGreaterThan(0);
    const sessionOf = (e: (typeof found)[number]) => e.labels['session.id'] ?? e.labels['session_id'] ?? '';
    for (const exemplar of found) {
      expect(allSessions.has(sessionOf(exemplar))).toBe(true);
      expect(exemplar.labels['trace_id']).toBe(sessionOf(exemplar).replace(/-/g, ''));
    }
    const hottest = found.reduce((a, b) => (Number(b.value) > Number(a.value) ? b : a));
    expect(Number(hottest.value)).toBe(0.95);
    expect(hotSessions.has(sessionOf(hottest))).toBe(true);
  });

  it('loses nothing while the collector is down: cumulative totals arrive once it is back', async () => {
    const before = await gatewayMetric(stack.gatewayUrls[0]!, 'filesfu_gateway_export_total');
    await stack.stopCollector();
    const sessions: SessionExport[] = [];
    for (let r = 0; r < 6; r++) {
      const batch = [0, 1, 2].map(() =>
        sessionExport({
          installId: INSTALL,
          version: 'outage',
          osType: 'windows',
          endNs: pastWindowNs() + 10n * SECOND_NS,
          stages: { sending: [0.2, 0.7] },
        }),
      );
      sessions.push(...batch);
      await postRequest(stack.gatewayUrls[r % 2]!, token, cpuRequest(batch));
    }
    // The gateways tried (and failed) to export meanwhile.
    await stack.waitFor(
      async () =>
        (await gatewayMetric(stack.gatewayUrls[0]!, 'filesfu_gateway_export_total{result="failure"}')) > 0 ||
        undefined,
      { what: 'a failed export while the collector is down' },
    );
    expect(await gatewayMetric(stack.gatewayUrls[0]!, 'filesfu_gateway_export_total')).toBeGreaterThan(
      before,
    );
    await stack.startCollector();
    const restartedMs = Date.now();
    expect(
      await freshSum(stack, 'process_cpu_utilization_count{version="outage"}', restartedMs, 'outage samples'),
    ).toBe(sessions.length * 2);
    expect(
      await freshSum(
        stack,
        'filesfu_session_windows_total{version="outage"}',
        restartedMs,
        'outage sessions',
      ),
    ).toBe(sessions.length);
  });

  it('respects the global series budget across replicas; the overflow series keeps totals exact', async () => {
    // Replica 0 stopped exporting its "dedup" series at its restart; those stay stale in Prometheus.
    const sessionsSelector = 'filesfu_session_windows_total{version!="dedup"}';
    const samplesSelector = 'process_cpu_utilization_count{version!="dedup"}';
    const sessionsBefore = await promSum(stack, sessionsSelector);
    const samplesBefore = await promSum(stack, samplesSelector);
    const count = 60;
    for (let i = 0; i < count; i++) {
      const session = sessionExport({
        installId: INSTALL,
        version: `budget-${i}`,
        endNs: pastWindowNs() + 10n * SECOND_NS,
        stages: { syncing: [0.1] },
      });
      await postRequest(stack.gatewayUrls[i % 2]!, token, cpuRequest([session]));
    }
    const sentMs = Date.now();
    expect(await freshSum(stack, sessionsSelector, sentMs, 'all sessions')).toBe(sessionsBefore + count);
    expect(await freshSum(stack, samplesSelector, sentMs, 'all samples')).toBe(samplesBefore + count);
    // Every replica forwards its own copy of the shared label sets: each stays within maxSeries
    // Prometheus series, overflow series included.
    const perReplica = await stack.queryPrometheus(
      'count by (instance) (last_over_time({job="filesfu-gateway", __name__!~"ALERTS|ALERTS_FOR_STATE"}[1h]))',
    );
    expect(perReplica.length).toBeGreaterThan(0);
    for (const replica of perReplica) expect(Number(replica.value[1])).toBeLessThanOrEqual(MAX_SERIES);
    expect(
      await promSum(stack, 'filesfu_session_windows_total{otel_metric_overflow="true"}'),
    ).toBeGreaterThan(0);
    // The overflow label set of a family keeps `threshold` on its high counter only.
    const overflowHigh = await stack.queryPrometheus(
      'filesfu_session_windows_high_cpu_total{otel_metric_overflow="true"}',
    );
    expect(overflowHigh.length).toBeGreaterThan(0);
    for (const series of overflowHigh) {
      expect(['0.3', '0.8']).toContain(series.metric['threshold']);
      expect(series.metric['version']).toBeUndefined();
    }
    for (const url of stack.gatewayUrls) {
      expect(await gatewayMetric(url, 'filesfu_gateway_series_active')).toBeLessThanOrEqual(MAX_SERIES);
    }
  });
});
