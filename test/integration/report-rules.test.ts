import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARDS, panelsOf, queriesOf, substituteVariables } from '../../grafana/src/index.js';
import {
  CPU_BUCKETS,
  CPU_METRIC_NAME,
  DETAIL_WINDOWS,
  LABEL,
  PROM,
  SESSION_WINDOWS,
  STAGE_WINDOWS,
  thresholdLabel,
} from '../../src/model/index.js';
import { AggregationTemporality, encodeExportMetricsServiceRequest } from '../../src/otlp/index.js';
import type { KeyValue, Metric } from '../../src/otlp/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';

const run = promisify(execFile);

// The real promtool checks the rules and runs every promtool unit test (prometheus/tests/*.test.yml):
// recording-rule values from input series and every alert firing and not firing.
describe('Prometheus rules (promtool)', () => {
  it('pass `promtool check rules` and `promtool test rules`', async () => {
    const { stdout } = await run('bash', ['scripts/promtool-test.sh'], { maxBuffer: 10 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`scripts/promtool-test.sh failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      },
    );
    expect(stdout).toContain('filesfu-report.test.yml');
    expect(stdout).toContain('filesfu-alerts.test.yml');
    expect(stdout).toContain('filesfu-version-alert.test.yml');
    expect(stdout).not.toContain('FAILED');
  });
});

// The rules and the report dashboard on a real Prometheus fed by the real collector's remote write.
// The test plays the gateway: every round it exports the cumulative window families and CPU histogram
// of a small fleet (10 session windows per cohort per round). 7.0.0 on windows is hot in login,
// 6.4.0 is hot while receiving files with names longer than 80 characters, every cohort has the same
// idle noise. Version 7.1.0 rolls out mid-run, and the "gateway" restarts (every counter back to a
// zero sample with a new start time), so both happen inside every range the rules look at.

const WINDOWS = 10;
const ROUNDS = 16;
const ROLLOUT_ROUND = 5;
const RESTART_ROUND = 9;
const STAGES = ['login', 'idle', 'receiving'] as const;
/** Windows per round that receive a file in each file-name-length bucket (they sum to WINDOWS). */
const BUCKETS: Record<string, number> = { '21-42': 8, '>80': 2 };
const DETAIL = 'file_name_length';
const THRESHOLDS = [0.3, 0.8];

interface Cohort {
  version: string;
  os: string;
  cpuCores: string;
  from: number;
}
const COHORTS: Cohort[] = [
  { version: '6.4.0', os: 'linux', cpuCores: '5-8', from: 0 },
  { version: '6.4.0', os: 'windows', cpuCores: '3-4', from: 0 },
  { version: '7.0.0', os: 'windows', cpuCores: '<=2', from: 0 },
  { version: '7.0.0', os: 'linux', cpuCores: '5-8', from: 0 },
  { version: '7.1.0', os: 'darwin', cpuCores: '9-16', from: ROLLOUT_ROUND },
  { version: '7.1.0', os: 'linux', cpuCores: '5-8', from: ROLLOUT_ROUND },
];

/** High windows per round of a cohort in a stage with a detail bucket, at threshold index t. */
function bucketHigh(c: Cohort, bucket: string, t: number): number {
  return c.version === '6.4.0' && bucket === '>80' && t === 0 ? (BUCKETS[bucket] ?? 0) : 0;
}
function stageHigh(c: Cohort, stage: string, t: number): number {
  if (stage === 'login') return c.version === '7.0.0' && c.os === 'windows' ? (t === 0 ? 5 : 2) : 0;
  if (stage === 'idle') return t === 0 ? 1 : 0;
  return Object.keys(BUCKETS).reduce((sum, bucket) => sum + bucketHigh(c, bucket, t), 0);
}
/** A session window is high when any of its stages is; the high windows of the stages overlap. */
function sessionHigh(c: Cohort, t: number): number {
  return Math.max(...STAGES.map((stage) => stageHigh(c, stage, t)));
}

/** Increments a series has accumulated at `round` (0 at its zero sample; restarts at RESTART_ROUND). */
function steps(c: Cohort, round: number): number | undefined {
  const born = Math.max(c.from, round >= RESTART_ROUND ? RESTART_ROUND : 0);
  return round < born ? undefined : round - born;
}

const attrs = (labels: Record<string, string>): KeyValue[] =>
  Object.entries(labels).map(([key, value]) => ({ key, value }));

function fleetRequest(round: number, nowNs: bigint, startNs: bigint) {
  const sums = new Map<string, Array<{ labels: Record<string, string>; value: number }>>();
  const add = (name: string, labels: Record<string, string>, value: number) =>
    sums.set(name, [...(sums.get(name) ?? []), { labels, value }]);
  const histogram: Metric & { type: 'histogram' } = {
    type: 'histogram',
    name: CPU_METRIC_NAME,
    description: '',
    unit: '1',
    metadata: [],
    aggregationTemporality: AggregationTemporality.Cumulative,
    dataPoints: [],
  };
  for (const c of COHORTS) {
    const k = steps(c, round);
    if (k === undefined) continue;
    const base = { [LABEL.version]: c.version, [LABEL.os]: c.os };
    add(SESSION_WINDOWS.active, { ...base, [LABEL.cpuCores]: c.cpuCores }, WINDOWS * k);
    for (const stage of STAGES) {
      add(STAGE_WINDOWS.active, { ...base, [LABEL.stage]: stage }, WINDOWS * k);
      const hot = stageHigh(c, stage, 0) * k;
      const bucketCounts = new Array<number>(CPU_BUCKETS.length + 1).fill(0);
      bucketCounts[1] = 60 * WINDOWS * k - hot * 10; // (0.05, 0.1]
      bucketCounts[5] = hot * 10; // (0.5, 0.8]
      histogram.dataPoints.push({
        attributes: attrs({ ...base, [LABEL.stage]: stage }),
        startTimeUnixNano: startNs,
        timeUnixNano: nowNs,
        count: 60 * WINDOWS * k,
        sum: 0.08 * (60 * WINDOWS * k - hot * 10) + 0.6 * hot * 10,
        bucketCounts,
        explicitBounds: [...CPU_BUCKETS],
        exemplars: [],
        flags: 0,
        min: undefined,
        max: undefined,
      });
    }
    for (const [bucket, windows] of Object.entries(BUCKETS)) {
      const labels = {
        ...base,
        [LABEL.stage]: 'receiving',
        [LABEL.detail]: DETAIL,
        [LABEL.detailBucket]: bucket,
      };
      add(DETAIL_WINDOWS.active, labels, windows * k);
      THRESHOLDS.forEach((T, t) =>
        add(
          DETAIL_WINDOWS.high,
          { ...labels, [LABEL.threshold]: thresholdLabel(T) },
          bucketHigh(c, bucket, t) * k,
        ),
      );
    }
    THRESHOLDS.forEach((T, t) => {
      const threshold = { [LABEL.threshold]: thresholdLabel(T) };
      add(
        SESSION_WINDOWS.high,
        { ...base, [LABEL.cpuCores]: c.cpuCores, ...threshold },
        sessionHigh(c, t) * k,
      );
      for (const stage of STAGES)
        add(STAGE_WINDOWS.high, { ...base, [LABEL.stage]: stage, ...threshold }, stageHigh(c, stage, t) * k);
    });
  }
  const metrics: Metric[] = [...sums].map(([name, points]) => ({
    type: 'sum',
    name,
    description: '',
    unit: '1',
    metadata: [],
    aggregationTemporality: AggregationTemporality.Cumulative,
    isMonotonic: true,
    dataPoints: points.map(({ labels, value }) => ({
      attributes: attrs(labels),
      startTimeUnixNano: startNs,
      timeUnixNano: nowNs,
      value,
      valueType: 'int' as const,
      exemplars: [],
      flags: 0,
    })),
  }));
  const resource = attrs({ 'service.name': 'filesfu-gateway', 'service.instance.id': 'gw-rules-test' });
  return encodeExportMetricsServiceRequest({
    resourceMetrics: [
      {
        resource: { attributes: resource, droppedAttributesCount: 0 },
        scopeMetrics: [
          {
            scope: { name: 'filesfu-gateway', version: '', attributes: [], droppedAttributesCount: 0 },
            metrics: [...metrics, histogram],
            schemaUrl: '',
          },
        ],
        schemaUrl: '',
      },
    ],
  });
}

/** Session windows (and high ones at 0.3) the fleet really counted: every exported increment. */
function trueCounts(filter: (c: Cohort) => boolean): { active: number; high: number } {
  let increments = 0;
  let high = 0;
  for (const c of COHORTS.filter(filter)) {
    const n = (steps(c, RESTART_ROUND - 1) ?? 0) + (steps(c, ROUNDS - 1) ?? 0);
    increments += WINDOWS * n;
    high += sessionHigh(c, 0) * n;
  }
  return { active: increments, high };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('report rules and dashboard on real Prometheus, fed by the collector’s remote write', () => {
  let stack: Stack;
  let runStart = 0;
  let runEnd = 0;
  const query = async (promql: string) =>
    (await stack.queryPrometheus(promql)).map((s) => ({ metric: s.metric, value: Number(s.value[1]) }));
  /** Every value of `promql` evaluated each second from the first export to the last. */
  const queryOverRun = async (promql: string): Promise<number[]> => {
    const params = new URLSearchParams({
      query: promql,
      start: String(runStart / 1000),
      end: String(runEnd / 1000),
      step: '1',
    });
    const response = await fetch(`${stack.prometheusUrl}/api/v1/query_range?${params}`);
    const body = (await response.json()) as { data?: { result: Array<{ values: Array<[number, string]> }> } };
    if (!response.ok || !body.data) throw new Error(`query_range ${promql}: ${response.status}`);
    return body.data.result.flatMap((series) => series.values.map(([, value]) => Number(value)));
  };

  beforeAll(async () => {
    stack = await startStack({ gatewayReplicas: 0, prometheusIntervalSeconds: 1 });
    runStart = Date.now();
    let startNs = BigInt(runStart) * 1_000_000n;
    for (let round = 0; round < ROUNDS; round++) {
      const nowNs = BigInt(Date.now()) * 1_000_000n;
      if (round === RESTART_ROUND) startNs = nowNs;
      const response = await fetch(`${stack.collectorOtlpUrl}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf' },
        body: fleetRequest(round, nowNs, startNs),
      });
      expect(response.status).toBe(200);
      await pause(1000);
    }
    const last = trueCounts(() => true).active; // not the cumulative value: the restart dropped one step
    expect(last).toBeGreaterThan(0);
    const final = COHORTS.reduce((sum, c) => sum + WINDOWS * (steps(c, ROUNDS - 1) ?? 0), 0);
    await stack.waitFor(
      async () => {
        const [sample] = await query(`sum(${PROM.sessionWindows.active})`);
        return sample && sample.value === final ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 500, what: `the last export (${final} windows) in Prometheus` },
    );
    await pause(3000); // a few rule evaluations on the final samples
    runEnd = Date.now();
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it('keeps increase(high) <= increase(active) at every second of the run, for every range and grouping', async () => {
    const families = [PROM.sessionWindows, PROM.stageWindows, PROM.detailWindows];
    for (const family of families) {
      for (const range of ['3s', '7s', '15s', '1h']) {
        for (const by of [[], [LABEL.version], family.labels]) {
          const sum = (expr: string) => (by.length ? `sum by (${by.join(', ')}) (${expr})` : `sum(${expr})`);
          const difference =
            `${sum(`increase(${family.high}{${LABEL.threshold}="0.3"}[${range}])`)} - ` +
            `${sum(`increase(${family.active}[${range}])`)}`;
          const values = await queryOverRun(difference);
          expect(values.length, difference).toBeGreaterThan(0);
          for (const value of values) expect(value, difference).toBeLessThanOrEqual(1e-9);
        }
      }
    }
  });

  it('gives the fleet and per-version over-rates of what was counted, none above 1', async () => {
    const [fleet] = await query(
      'threshold:filesfu_session_windows_high_cpu_per_session_windows:ratio_increase1h{threshold="0.3"}',
    );
    const truth = trueCounts(() => true);
    expect(fleet?.value).toBeCloseTo(truth.high / truth.active, 1);
    const versions = await query(
      'threshold_version:filesfu_session_windows_high_cpu_per_session_windows:ratio_increase1h',
    );
    expect(versions.length).toBeGreaterThan(0);
    for (const sample of versions) {
      expect(sample.value).toBeLessThanOrEqual(1);
      if (sample.metric.threshold !== '0.3') continue;
      const t = trueCounts((c) => c.version === sample.metric.version);
      expect(sample.value, sample.metric.version).toBeCloseTo(t.high / t.active, 1);
    }
  });

  it('evaluates every 1h recording rule to data, every ratio at most 1', async () => {
    const { groups } = parse(readFileSync('prometheus/rules/filesfu-report.rules.yml', 'utf8')) as {
      groups: Array<{ name: string; rules: Array<{ record: string }> }>;
    };
    const hourly = groups.find((group) => group.name === 'filesfu-report-1h')!;
    const missing: string[] = [];
    for (const record of new Set(hourly.rules.map((rule) => rule.record))) {
      const samples = await query(record);
      if (!samples.length) missing.push(record);
      if (/ratio/.test(record) && !/wilson/.test(record))
        for (const sample of samples) expect(sample.value, record).toBeLessThanOrEqual(1);
    }
    expect(missing).toEqual([]);
  });

  it('ranks an injected culprit first in the suspects table; the uniform idle noise is no suspect', async () => {
    const report = DASHBOARDS.find((entry) => entry.file === 'filesfu-report.json')!.build();
    const suspects = queriesOf(report).find((q) => q.panelTitle.startsWith('Suspects') && q.refId === 'A')!;
    const rows = await query(substituteVariables(suspects.expr, { threshold: '0.3', min_sessions: '20' }));
    const ranked = [...rows].sort((a, b) => b.value - a.value);
    const top = ranked[0]?.metric ?? {};
    const culprit =
      (top.version === '7.0.0' && top.stage === 'login') ||
      (top.stage === 'receiving' && top.detail_bucket === '>80') ||
      (top.stage === 'login' && top.os === 'windows');
    expect(culprit, JSON.stringify(ranked.slice(0, 5))).toBe(true);
    for (const row of rows.filter((r) => r.metric.stage === 'idle')) expect(row.value).toBeLessThan(0);
  });

  const drills = [
    { name: 'all', values: { version: '.*', stage: '.*', os: '.*' }, empty: {} },
    {
      name: '7.0.0 / login / windows',
      values: { version: '7.0.0', stage: 'login', os: 'windows' },
      empty: {
        'Event details of $version in $stage (share of session windows with the bucket)':
          'login carries no detail',
      },
    },
    {
      name: '6.4.0 / receiving / linux',
      values: { version: '6.4.0', stage: 'receiving', os: 'linux' },
      empty: {},
    },
  ];

  it.each(drills)('runs every report panel query with the drill-down $name', async ({ values, empty }) => {
    const report = DASHBOARDS.find((entry) => entry.file === 'filesfu-report.json')!.build();
    const variables = {
      ...values,
      threshold: '0.3',
      min_sessions: '20',
      __range: '1h',
      __rate_interval: '1m',
      __interval: '15s',
    };
    const noData: string[] = [];
    // A table merges its queries into one row per label set: a metric name would split the rows.
    const tables = new Set(
      panelsOf(report)
        .filter((p) => p.type === 'table')
        .map((p) => p.title),
    );
    for (const q of queriesOf(report)) {
      const expr = substituteVariables(q.expr, variables);
      expect(expr, q.panelTitle).not.toMatch(/\$/);
      const samples = await query(expr); // throws on a parse error
      if (!samples.length && !(q.panelTitle in empty)) noData.push(`${q.panelTitle} [${q.refId}]: ${expr}`);
      for (const s of samples) {
        expect(Number.isFinite(s.value), `${q.panelTitle} [${q.refId}]`).toBe(true);
        if (tables.has(q.panelTitle))
          expect(s.metric, `${q.panelTitle} [${q.refId}]`).not.toHaveProperty('__name__');
      }
    }
    expect(noData).toEqual([]);
  });
});
