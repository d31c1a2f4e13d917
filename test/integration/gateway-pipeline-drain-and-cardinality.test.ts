import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../../src/stack/index.js';
import { encodeExportMetricsServiceRequest } from '../../src/otlp/index.js';
import { pipelineConfigSchema } from '../../src/gateway/pipeline/index.js';
import { isHot } from '../../src/model/index.js';
import { cpuRequest, NS_PER_MS, sessionExport, type SessionExport } from '../support/cpu-requests.js';
import {
  gatewayMetric,
  pastWindowNs,
  postBytes,
  promSum,
  TEST_WINDOWS,
} from './gateway-pipeline-fixtures.js';

// Both checks rely on the final flush at SIGTERM only: the periodic flush is an hour away.
// (d) everything a gateway acknowledged before SIGTERM reaches Prometheus;
// (e) the cardinality attack: 100k session ids and 10k random versions cannot grow Prometheus
//     beyond the configured series budget (Prometheus series, overflow series included), and the
//     overflow series keeps the totals exact, per threshold too.
// Points lie in a past session window (TEST_WINDOWS): the shutdown counts those windows in the
// final flush.

/** Prometheus series: room for the 20 reserved overflow series and about a dozen sessions' label sets. */
const MAX_SERIES = 200;
const MAX_VERSIONS = 20;
const ATTACK_SESSIONS = 100_000;
const ATTACK_VERSIONS = 10_000;
const SESSIONS_PER_REQUEST = 2_000;
const SAMPLES_PER_SESSION = 5;
/** What the gateway forwarded (ALERTS may carry job="filesfu-gateway" but Prometheus made them). */
const FORWARDED = '{job="filesfu-gateway", __name__!~"ALERTS|ALERTS_FOR_STATE"}';

describe('gateway pipeline: SIGTERM drain and the cardinality attack', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({
      prometheusIntervalSeconds: 1,
      gatewayConfig: {
        // The final flush may take 20 s.
        server: { shutdownGraceMs: 20_000 },
        rateLimit: { enabled: false },
        pipeline: {
          export: { flushIntervalMs: 3_600_000 },
          limits: { maxSeries: MAX_SERIES, maxVersions: MAX_VERSIONS },
          sessions: TEST_WINDOWS,
        },
      },
    });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('delivers everything acknowledged before SIGTERM to Prometheus', async () => {
    const token = stack.mintToken('install-drain');
    const requests = Array.from({ length: 12 }, () => [
      sessionExport({
        installId: 'install-drain',
        version: 'drain',
        endNs: pastWindowNs() + 10_000n * NS_PER_MS,
        stages: { receiving: [0.1, 0.2, 0.3] },
      }),
    ]);
    const acknowledged: SessionExport[] = [];
    const send = async (sessions: SessionExport[]) => {
      const bytes = encodeExportMetricsServiceRequest(cpuRequest(sessions));
      const result = await postBytes(stack.gatewayUrl, token, bytes).catch(() => undefined);
      if (result?.status === 200) acknowledged.push(...sessions);
    };
    // Half acknowledged for sure right before SIGTERM, half racing with it (in flight or refused).
    for (const sessions of requests.slice(0, 6)) await send(sessions);
    const racing = requests.slice(6).map((sessions) => send(sessions));
    const stopping = stack.stopGateway(0, 'SIGTERM');
    await Promise.all(racing);
    await stopping;
    console.log(`drain: ${acknowledged.length} of ${requests.length} requests acknowledged around SIGTERM`);
    expect(acknowledged.length).toBeGreaterThanOrEqual(6);
    const samples = await stack.waitFor(
      async () => {
        const n = await promSum(stack, 'process_cpu_utilization_count{version="drain"}');
        return n > 0 ? n : undefined;
      },
      { timeoutMs: 60_000, what: 'the final flush in Prometheus' },
    );
    expect(samples).toBe(acknowledged.length * 3);
    expect(await promSum(stack, 'filesfu_session_windows_total{version="drain"}')).toBe(acknowledged.length);
    await stack.startGateway(0);
  });

  it('keeps Prometheus within the series budget under 100k sessions and 10k versions', async () => {
    // Series seen in the last hour only ever grow during this test (nothing leaves the head yet).
    const seriesCount = (selector: string) => promSum(stack, `count(last_over_time(${selector}[1h]))`);
    const headSeriesScrapedAfter = async (sinceMs: number) => {
      await stack.waitFor(
        async () =>
          (await promSum(stack, `timestamp(prometheus_tsdb_head_series) > ${(sinceMs / 1000).toFixed(3)}`)) >
            0 || undefined,
        { what: 'a fresh prometheus_tsdb_head_series' },
      );
      return promSum(stack, 'prometheus_tsdb_head_series');
    };
    // Let Prometheus scrape the restarted gateway so its self-metric series exist before the baseline.
    await stack.waitFor(async () => ((await promSum(stack, 'up{job="gateway"}')) === 1 ? true : undefined), {
      what: 'gateway scraped',
    });
    const baselineMs = Date.now();
    const allBefore = await seriesCount('{__name__=~".+"}');
    const forwardedBefore = await seriesCount(FORWARDED);
    // Scraped after the counts: whatever appears in between is in the baseline of both.
    const headBefore = await headSeriesScrapedAfter(baselineMs);

    const versions = Array.from({ length: ATTACK_VERSIONS }, (_, i) => `7.${i}.${randomInt(1000)}`);
    const stages = ['idle', 'indexing', 'sending', 'syncing', 'gaming', 'x'.repeat(100)];
    const oses = ['linux', 'darwin', 'windows', 'beos'];
    // The stack runs the default session thresholds; counted here from the samples sent.
    const { thresholds, episodeMinSamples } = pipelineConfigSchema.parse({}).sessions;
    const highWindows = new Map(thresholds.map((t) => [t, 0]));
    const endNs = pastWindowNs() + 10_000n * NS_PER_MS;
    const startedMs = Date.now();
    for (let sent = 0, install = 0; sent < ATTACK_SESSIONS; sent += SESSIONS_PER_REQUEST, install++) {
      const installId = `attacker-${install}`;
      const sessions = Array.from({ length: Math.min(SESSIONS_PER_REQUEST, ATTACK_SESSIONS - sent) }, () =>
        sessionExport({
          installId,
          version: versions[randomInt(ATTACK_VERSIONS)]!,
          osType: oses[randomInt(oses.length)]!,
          endNs,
          stages: {
            [stages[randomInt(stages.length)]!]: Array.from({ length: SAMPLES_PER_SESSION }, () =>
              Math.random(),
            ),
          },
        }),
      );
      // One point per session: its window is high at T when the point is hot and an episode alone.
      for (const session of sessions) {
        const samples = Object.values(session.stages).flat();
        for (const t of thresholds) {
          const above = samples.filter((v) => v > t).length;
          if (isHot(samples.length, above) && above >= episodeMinSamples)
            highWindows.set(t, highWindows.get(t)! + 1);
        }
      }
      const result = await postBytes(
        stack.gatewayUrl,
        stack.mintToken(installId),
        encodeExportMetricsServiceRequest(cpuRequest(sessions)),
      );
      expect(result.status).toBe(200);
    }
    const ingestSeconds = (Date.now() - startedMs) / 1000;
    console.log(
      `cardinality attack: ${ATTACK_SESSIONS} sessions in ${ingestSeconds.toFixed(1)} s (${Math.round(ATTACK_SESSIONS / ingestSeconds)} sessions/s)`,
    );
    expect(await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_datapoints_accepted_total')).toBe(
      ATTACK_SESSIONS,
    );
    expect(await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_series_active')).toBeLessThanOrEqual(
      MAX_SERIES,
    );
    expect(await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_series_budget')).toBe(MAX_SERIES);
    expect(
      await gatewayMetric(stack.gatewayUrl, 'filesfu_gateway_limit_current{limit="versions"}'),
    ).toBeLessThanOrEqual(MAX_VERSIONS);

    await stack.stopGateway(0, 'SIGTERM'); // the final flush carries the attack and its windows
    const attackSessions = 'filesfu_session_windows_total{version!="drain"}';
    const sessions = await stack.waitFor(
      async () => {
        const n = await promSum(stack, attackSessions);
        return n > 0 ? n : undefined;
      },
      { timeoutMs: 90_000, what: 'the attack in Prometheus' },
    );
    expect(sessions).toBe(ATTACK_SESSIONS);
    expect(await promSum(stack, 'process_cpu_utilization_count{version!="drain"}')).toBe(
      ATTACK_SESSIONS * SAMPLES_PER_SESSION,
    );
    // The overflow accounts for the rest: own series + overflow series == session windows sent.
    const overflowSessions = await promSum(
      stack,
      'filesfu_session_windows_total{otel_metric_overflow="true"}',
    );
    const ownSessions = await promSum(
      stack,
      'filesfu_session_windows_total{version!="drain", otel_metric_overflow!="true"}',
    );
    expect(overflowSessions).toBeGreaterThan(0);
    expect(ownSessions + overflowSessions).toBe(ATTACK_SESSIONS);
    // Per threshold as well: the overflow label set's high counters keep `threshold`, so the fleet's
    // over-rate numerator misses nothing.
    for (const [t, expected] of highWindows) {
      const selector = (overflow: string) =>
        `filesfu_session_windows_high_cpu_total{version!="drain", threshold="${t}", otel_metric_overflow${overflow}"true"}`;
      const [own, overflowed] = [await promSum(stack, selector('!=')), await promSum(stack, selector('='))];
      console.log(`high session windows at ${t}: ${own} own + ${overflowed} overflow, ${expected} sent`);
      expect(own + overflowed).toBe(expected);
    }
    expect(await promSum(stack, 'count(filesfu_session_windows_high_cpu_total{threshold=""})')).toBe(0);

    // Prometheus' own view, once its head-series gauge was scraped after the data arrived. The
    // series counts below are taken after that scrape, so they include everything it counted.
    const headAfter = await headSeriesScrapedAfter(Date.now());
    const forwardedGrowth = (await seriesCount(FORWARDED)) - forwardedBefore;
    // Everything else Prometheus made meanwhile: scraped self-metrics of every component, recording
    // rule results (some per version/stage, derived from the forwarded series) and alerts.
    const otherGrowth = (await seriesCount('{__name__=~".+"}')) - allBefore - forwardedGrowth;
    console.log(
      `head series: before ${headBefore}, after ${headAfter} (+${headAfter - headBefore}); forwarded +${forwardedGrowth} (maxSeries ${MAX_SERIES}); scraped self-metrics, rules and alerts +${otherGrowth}; overflow sessions ${overflowSessions} of ${ATTACK_SESSIONS}`,
    );
    expect(forwardedGrowth).toBeLessThanOrEqual(MAX_SERIES);
    expect(headAfter - headBefore).toBeLessThanOrEqual(MAX_SERIES + otherGrowth);
    await stack.startGateway(0);
  });
});
