import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DASHBOARDS, queriesOf, substituteVariables } from '../../grafana/src/index.js';
import { encodeExportMetricsServiceRequest } from '../../src/otlp/index.js';
import { AggregationTemporality } from '../../src/otlp/index.js';
import type { ExportMetricsServiceRequest } from '../../src/otlp/index.js';
import { formatTriageText, runTriage } from '../../src/report/index.js';
import type { TriageReport } from '../../src/report/index.js';
import { PrometheusApi } from '../../src/report/triage/prometheus-api.js';
import { PROM, RESOURCE_KEYS, STAGE_DETAILS } from '../../src/model/index.js';
import { startStack, type Stack } from '../../src/stack/index.js';
import { cpuRequest, nowNs, type SessionExport } from '../support/cpu-requests.js';

// The report end to end: OTLP requests shaped like the watchdog's go through the REAL gateway,
// collector and Prometheus (with prometheus/rules loaded), counted as session windows (metric model
// v2, short windows). First a healthy fleet (every version burns CPU equally rarely) → the triage
// names no culprit. Then version 7.0.0 turns hot in login on windows → the triage names exactly
// that cell first (DESIGN §5 culprits[].cell) with example sessions from its high-CPU exemplars.
// Every panel query of both dashboards is run against Prometheus with the variables substituted.

const INSTALL = 'install-report-e2e';
const VERSIONS = ['6.4.0', '6.5.0', '7.0.0'];
const SYSTEMS = ['linux', 'windows', 'darwin'];
const SESSIONS_PER_CELL = 4; // per version × OS per round
const HEALTHY_ROUNDS = 5;
const CULPRIT_ROUNDS = 8;
const RANGE = '15m';
/** Short session windows so that every window closes (and is counted) within the test. */
const SESSION_WINDOWS = { windowSeconds: 5, windowGraceSeconds: 1 };
const MIN_SESSIONS = 20; // the dashboard's minimum-sessions variable

/** Query results that may legitimately be empty here, with why. Everything else must return data. */
const EVENT_ONLY_QUERIES: Record<string, string> = {
  'send failed': 'the collector only creates the failure counter once Prometheus is unreachable',
};

const FILE_NAME_LENGTH = STAGE_DETAILS[0].attribute;
const HOT = [0.6, 0.62, 0.65, 0.7, 0.61, 0.66]; // a hot point with six samples over 0.3: an episode (≥ 5)
const CALM = [0.02, 0.04, 0.03];

/** What was sent per version (sessions, and sessions that went over 0.3), to check the rules against. */
const sent = new Map<string, { sessions: number; over: number }>();

/** One session's single 10 s DELTA export, ending now (tallied in `sent`). */
function session(
  version: string,
  osType: string,
  stages: Record<string, number[]>,
  shape: { cores?: number; fileNameLength?: number } = {},
): SessionExport {
  const tally = sent.get(version) ?? { sessions: 0, over: 0 };
  tally.sessions += 1;
  if (Object.values(stages).some((samples) => samples === HOT)) tally.over += 1;
  sent.set(version, tally);
  return {
    sessionId: randomUUID(),
    installId: INSTALL,
    version,
    osType,
    startNs: nowNs(-10_000),
    endNs: nowNs(),
    stages,
    extraResourceAttributes: { [RESOURCE_KEYS.cpuLogicalCount]: shape.cores ?? 4 },
    pointAttributes:
      shape.fileNameLength === undefined ? {} : { receiving: { [FILE_NAME_LENGTH]: shape.fileNameLength } },
  };
}

/**
 * One round of the fleet: SESSIONS_PER_CELL sessions per version × OS, with 2, 4 or 8 logical CPUs
 * and files of short and long names received. The healthy background is the same in every cell: in
 * each round one session of every version × OS goes over 0.3 while indexing and another while
 * receiving (which one rotates with the round, so the file-name buckets share it too). With
 * `culprit`, every 7.0.0 windows session also goes over while in login.
 */
function round(r: number, culprit: boolean): { sessions: SessionExport[]; culpritIds: string[] } {
  const sessions: SessionExport[] = [];
  const culpritIds: string[] = [];
  for (const version of VERSIONS) {
    for (const osType of SYSTEMS) {
      for (let i = 0; i < SESSIONS_PER_CELL; i++) {
        const hotIndexing = i === r % SESSIONS_PER_CELL;
        const hotReceiving = i === (r + 1) % SESSIONS_PER_CELL;
        const hotLogin = culprit && version === '7.0.0' && osType === 'windows';
        const entry = session(
          version,
          osType,
          {
            idle: CALM,
            login: hotLogin ? HOT : [0.1, 0.12],
            indexing: hotIndexing ? HOT : [0.15, 0.2],
            receiving: hotReceiving ? HOT : CALM,
          },
          { cores: [2, 4, 8][i % 3], fileNameLength: i % 2 === 0 ? 12 : 60 },
        );
        if (hotLogin) culpritIds.push(entry.sessionId);
        sessions.push(entry);
      }
    }
  }
  return { sessions, culpritIds };
}

async function post(stack: Stack, token: string, body: Uint8Array): Promise<number> {
  const response = await fetch(`${stack.gatewayUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
    body,
  });
  await response.arrayBuffer();
  return response.status;
}

async function sendRequest(
  stack: Stack,
  token: string,
  request: ExportMetricsServiceRequest,
): Promise<Uint8Array> {
  const bytes = encodeExportMetricsServiceRequest(request);
  const status = await post(stack, token, bytes);
  if (status !== 200) throw new Error(`gateway answered ${status}`);
  return bytes;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('report end to end: gateway → collector → Prometheus → rules, dashboards, triage', () => {
  let stack: Stack;
  let token: string;
  let api: PrometheusApi;
  let sessionsSent = 0;
  const culpritIds = new Set<string>();

  /** Sends rounds spaced over several gateway flushes, so counters grow across many samples. */
  async function sendRounds(rounds: number, culprit: boolean): Promise<void> {
    for (let r = 0; r < rounds; r++) {
      const { sessions, culpritIds: ids } = round(r, culprit);
      await sendRequest(stack, token, cpuRequest(sessions));
      sessionsSent += sessions.length;
      for (const id of ids) culpritIds.add(id);
      await pause(1200);
    }
  }

  /** Waits until Prometheus holds every session the gateway acknowledged. */
  async function waitForAllSessions(): Promise<void> {
    await stack.waitFor(
      async () => {
        const [sample] = await stack.queryPrometheus(`sum(${PROM.sessionWindows.active})`);
        return sample && Number(sample.value[1]) >= sessionsSent ? true : undefined;
      },
      { timeoutMs: 90_000, intervalMs: 500, what: `${sessionsSent} session windows in Prometheus` },
    );
    await pause(2500); // one more flush and scrape, so every series has its final sample twice
  }

  function triage(): Promise<TriageReport> {
    return runTriage({ prometheusUrl: stack.prometheusUrl, range: RANGE, threshold: 0.3 });
  }

  beforeAll(async () => {
    stack = await startStack({
      prometheusIntervalSeconds: 1,
      gatewayConfig: { pipeline: { export: { flushIntervalMs: 1000 }, sessions: SESSION_WINDOWS } },
    });
    token = stack.mintToken(INSTALL);
    api = new PrometheusApi(stack.prometheusUrl, 15_000);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('names no culprit for a healthy fleet', async () => {
    await sendRounds(HEALTHY_ROUNDS, false);
    await waitForAllSessions();
    const report = await triage();
    expect(report.fleet.n).toBeGreaterThan(0);
    expect(report.fleet.rate).toBeGreaterThan(0);
    expect(report.culprits, formatTriageText(report)).toEqual([]);
    const versions = new Set(report.tests.map((test) => test.cell.version).filter((v) => v !== undefined));
    expect([...versions].sort()).toEqual(VERSIONS);
    expect(formatTriageText(report)).toMatch(/Culprits: none/);
  });

  it('names version 7.0.0 / login / windows once it burns CPU there, with example sessions', async () => {
    await sendRounds(CULPRIT_ROUNDS, true);
    await provokePipelineEvents();
    await waitForAllSessions();
    const report = await triage();
    const text = formatTriageText(report);
    expect(report.culprits.length, text).toBeGreaterThan(0);
    const [top] = report.culprits;
    expect(top?.cell, text).toEqual({ version: '7.0.0', stage: 'login', os: 'windows' });
    expect(
      report.culprits.every((culprit) => culprit.cell.version === '7.0.0'),
      text,
    ).toBe(true);
    expect(top?.exampleSessions.length, text).toBeGreaterThan(0);
    for (const example of top?.exampleSessions ?? [])
      expect(culpritIds.has(example.sessionId), example.sessionId).toBe(true);
    expect(report.summary).toMatch(/7\.0\.0/);
    expect(text).toMatch(/login/);
  });

  it("names the same culprit in the report dashboard's suspects table", async () => {
    const report = DASHBOARDS.find((entry) => entry.file === 'filesfu-report.json')?.build();
    const suspectsPanel = queriesOf(report!).find(
      (query) => query.panelTitle.startsWith('Suspects') && query.refId === 'A',
    );
    expect(suspectsPanel).toBeDefined();
    const rows = await api.instant(
      substituteVariables(suspectsPanel!.expr, variables('all')),
      Date.now() / 1000,
    );
    expect(rows.length).toBeGreaterThan(0);
    const ranked = [...rows].sort((a, b) => b.value - a.value);
    expect(ranked[0]?.metric).toMatchObject({ version: '7.0.0', stage: 'login' });
  });

  it.each(DASHBOARDS.map((entry) => entry.file))(
    'runs every query of %s against Prometheus',
    async (file) => {
      const dashboard = DASHBOARDS.find((entry) => entry.file === file)!.build();
      const empty: string[] = [];
      for (const drill of ['all', 'culprit'] as const) {
        for (const query of queriesOf(dashboard)) {
          const expr = substituteVariables(query.expr, variables(drill));
          expect(expr, `unsubstituted variable in ${query.panelTitle}`).not.toMatch(/\$/);
          const samples = await api.instant(expr, Date.now() / 1000); // throws on a parse error
          // The culprit's stage (login) carries no stage-event details, so its detail panel is empty
          // there by design; the 'all' drill must show data for it.
          const noDetailsHere = drill === 'culprit' && query.panelTitle.startsWith('Event details');
          if (samples.length === 0 && !(query.legend in EVENT_ONLY_QUERIES) && !noDetailsHere)
            empty.push(`${query.panelTitle} [${query.refId}] (${drill}): ${expr}`);
        }
      }
      expect(empty, 'queries without data').toEqual([]);
    },
  );

  it('evaluates every 1h recording rule to data', async () => {
    const groups = (
      parse(readFileSync('prometheus/rules/filesfu-report.rules.yml', 'utf8')) as {
        groups: Array<{ name: string; rules: Array<{ record: string }> }>;
      }
    ).groups;
    const hourly = groups.find((group) => group.name === 'filesfu-report-1h')!;
    const missing: string[] = [];
    for (const rule of hourly.rules) {
      const samples = await api.instant(rule.record, Date.now() / 1000);
      if (!samples.length) missing.push(rule.record);
    }
    expect(missing).toEqual([]);
  });

  /** Events the operations dashboard shows: a duplicate, a rejection, an overflow, auth failure, throttling. */
  async function provokePipelineEvents(): Promise<void> {
    // Duplicate: the same export twice.
    const bytes = await sendRequest(stack, token, cpuRequest([session('6.4.0', 'linux', { idle: CALM })]));
    expect(await post(stack, token, bytes)).toBe(200);
    sessionsSent += 1;
    // Overflow: an OS outside the allow-list becomes "other" (limit os_allow_list).
    await sendRequest(stack, token, cpuRequest([session('6.4.0', 'beos', { idle: CALM })]));
    sessionsSent += 1;
    // Rejection: a CUMULATIVE histogram (the watchdog only sends DELTA).
    const wrong = cpuRequest([
      {
        sessionId: randomUUID(),
        installId: INSTALL,
        version: '6.4.0',
        osType: 'linux',
        startNs: nowNs(-10_000),
        endNs: nowNs(),
        stages: { idle: CALM },
      },
    ]);
    const metric = wrong.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0];
    if (metric?.type === 'histogram') metric.aggregationTemporality = AggregationTemporality.Cumulative;
    await post(stack, token, encodeExportMetricsServiceRequest(wrong));
    // Authentication failure.
    expect(await post(stack, 'not-a-token', bytes)).toBe(401);
    // Throttling: one install bursting far beyond its per-install budget (replays, so nothing new is counted
    // beyond the first).
    const floodInstall = 'install-report-e2e-flood';
    const floodToken = stack.mintToken(floodInstall);
    const flood = encodeExportMetricsServiceRequest(
      cpuRequest([{ ...session('6.4.0', 'linux', { idle: CALM }), installId: floodInstall }]),
    );
    const statuses = await Promise.all(Array.from({ length: 60 }, () => post(stack, floodToken, flood)));
    expect(statuses).toContain(429);
    sessionsSent += 1;
  }
});

function variables(drill: 'all' | 'culprit'): Record<string, string> {
  const common = {
    threshold: '0.3',
    min_sessions: String(MIN_SESSIONS),
    __range: RANGE,
    __rate_interval: '1m',
    __interval: '15s',
  };
  return drill === 'all'
    ? { ...common, version: '.*', stage: '.*', os: '.*' }
    : { ...common, version: '7.0.0', stage: 'login', os: 'windows' };
}
