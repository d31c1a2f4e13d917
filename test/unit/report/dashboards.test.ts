import { readFileSync } from 'node:fs';
import type { Dashboard, Panel } from '@grafana/grafana-foundation-sdk/dashboard';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROM } from '../../../src/model/index.js';
import { RULES } from '../../../grafana/src/report/rules.js';
import {
  DASHBOARDS,
  OPERATIONS_DASHBOARD_UID,
  PROMETHEUS_DATASOURCE,
  REPORT_DASHBOARD_UID,
  panelsOf,
  queriesOf,
  renderDashboardJson,
  substituteVariables,
  variableReferences,
} from '../../../grafana/src/index.js';

const GRAFANA_GLOBALS = new Set([
  '__range',
  '__rate_interval',
  '__interval',
  '__url_time_range',
  '__all',
  '__data',
  '__field',
  '__value',
]);

function read(path: string): string {
  return readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
}

/** Every forwarded series (src/model), as Prometheus names. */
const FORWARDED = new Set([
  PROM.cpuBucket,
  PROM.cpuCount,
  PROM.cpuSum,
  ...[PROM.sessionWindows, PROM.stageWindows, PROM.detailWindows].flatMap((f) => [f.active, f.high]),
]);

/** Every series recorded by prometheus/rules/filesfu-report.rules.yml. */
const RECORDED = new Set(
  (
    parse(read('prometheus/rules/filesfu-report.rules.yml')) as {
      groups: Array<{ rules: Array<{ record: string }> }>;
    }
  ).groups.flatMap((group) => group.rules.map((rule) => rule.record)),
);

/** Metric-like names in a query: recording rules (with `:`) and our metric families. */
function seriesNames(expr: string): string[] {
  return [
    ...new Set(
      expr.match(/[a-zA-Z_]*(?::[a-zA-Z0-9_]+){2,}|\b(?:filesfu|process|otelcol)_[a-z0-9_]+/g) ?? [],
    ),
  ];
}

const built: Array<{ file: string; dashboard: Dashboard }> = DASHBOARDS.map(({ file, build }) => ({
  file,
  dashboard: build(),
}));

describe.each(built)('dashboard $file', ({ file, dashboard }) => {
  const variableNames = new Set((dashboard.templating?.list ?? []).map((variable) => variable.name));

  it('is the committed JSON (typed by the SDK Dashboard schema)', () => {
    const committed = JSON.parse(read(`grafana/dashboards/${file}`)) as Dashboard;
    expect(committed).toEqual(JSON.parse(renderDashboardJson(dashboard)));
  });

  it('has a fixed uid, title, tags, a default time range and a refresh interval', () => {
    expect([REPORT_DASHBOARD_UID, OPERATIONS_DASHBOARD_UID]).toContain(dashboard.uid);
    expect(dashboard.title).toBeTruthy();
    expect(dashboard.tags?.length).toBeGreaterThan(0);
    expect(dashboard.time?.from).toMatch(/^now-\d+[mhd]$/);
    expect(dashboard.refresh).toMatch(/^\d+[smh]$/);
  });

  it('gives every panel a unique title, a description and a unit', () => {
    const panels = panelsOf(dashboard);
    expect(panels.length).toBeGreaterThan(3);
    const titles = panels.map((panel) => panel.title);
    expect(new Set(titles).size).toBe(titles.length);
    for (const panel of panels) {
      expect(panel.title, 'title').toBeTruthy();
      expect(panel.description, `description of ${panel.title}`).toBeTruthy();
      expect(panel.fieldConfig?.defaults?.unit, `unit of ${panel.title}`).toBeTruthy();
    }
  });

  it('uses the one provisioned Prometheus datasource everywhere', () => {
    const provisioned = parse(read('grafana/provisioning/datasources/prometheus.yaml')) as {
      datasources: Array<{ uid: string; type: string }>;
    };
    expect(provisioned.datasources.map((ds) => ds.uid)).toContain(PROMETHEUS_DATASOURCE.uid);
    const refs = [
      ...panelsOf(dashboard).flatMap((panel: Panel) =>
        (panel.targets ?? []).map((target) => (target as { datasource?: unknown }).datasource),
      ),
      ...(dashboard.templating?.list ?? []).filter((v) => v.type === 'query').map((v) => v.datasource),
    ];
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(ref).toEqual(PROMETHEUS_DATASOURCE);
  });

  it('references only variables that exist (or Grafana globals)', () => {
    const texts = [
      ...queriesOf(dashboard).map((query) => query.expr),
      ...panelsOf(dashboard).flatMap((panel) => [
        panel.title ?? '',
        ...(panel.fieldConfig?.defaults?.links ?? []).map((link) => (link as { url?: string }).url ?? ''),
      ]),
    ];
    for (const text of texts) {
      for (const name of variableReferences(text)) {
        expect(
          variableNames.has(name) || GRAFANA_GLOBALS.has(name.split('.')[0] ?? name),
          `$${name} in ${text}`,
        ).toBe(true);
      }
    }
  });

  it('queries only v2 series from src/model, recorded rules, and (operations) the pipeline’s own metrics', () => {
    const texts = [
      ...queriesOf(dashboard).map((query) => query.expr),
      ...(dashboard.templating?.list ?? []).map((variable) => String(variable.query ?? '')),
    ];
    for (const text of texts) {
      for (const name of seriesNames(text)) {
        const selfMetric =
          dashboard.uid === OPERATIONS_DASHBOARD_UID &&
          (name.startsWith('filesfu_gateway_') || name.startsWith('otelcol_'));
        expect(FORWARDED.has(name) || RECORDED.has(name) || selfMetric, `${name} in ${text}`).toBe(true);
      }
    }
  });

  it('has balanced PromQL (brackets, braces, quotes)', () => {
    for (const { expr, panelTitle } of queriesOf(dashboard)) {
      const stack: string[] = [];
      const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
      let inString = false;
      for (const char of expr) {
        if (char === '"') inString = !inString;
        if (inString) continue;
        if ('([{'.includes(char)) stack.push(char);
        if (char in pairs) expect(stack.pop(), `${panelTitle}: ${expr}`).toBe(pairs[char]);
      }
      expect(stack, `${panelTitle}: ${expr}`).toEqual([]);
      expect(inString, `${panelTitle}: ${expr}`).toBe(false);
    }
  });
});

describe('report dashboard drill-down', () => {
  const report = built.find(({ dashboard }) => dashboard.uid === REPORT_DASHBOARD_UID)
    ?.dashboard as Dashboard;

  it('has threshold, version, stage and os variables, all from label_values', () => {
    const variables = report.templating?.list ?? [];
    const byName = new Map(variables.map((variable) => [variable.name, variable]));
    expect(byName.get('threshold')?.includeAll).toBeFalsy();
    for (const name of ['threshold', 'version', 'stage', 'os']) {
      expect(byName.get(name)?.type).toBe('query');
      expect(String(byName.get(name)?.query)).toMatch(/^label_values\(/);
    }
  });

  it('links rows of the by-version table back to the same dashboard with var-version set', () => {
    const links = panelsOf(report).flatMap((panel) => panel.fieldConfig?.defaults?.links ?? []);
    const urls = links.map((link) => (link as { url?: string }).url ?? '');
    expect(
      urls.some((url) => url.startsWith(`/d/${REPORT_DASHBOARD_UID}/`) && url.includes('var-version=')),
    ).toBe(true);
    expect(urls.some((url) => url.includes('var-stage='))).toBe(true);
  });

  it('says the unit of the headline (session windows) in its title and description', () => {
    const [headline] = panelsOf(report);
    expect(headline?.title).toMatch(/session windows/i);
    expect(headline?.description).toMatch(/session window = one app session during one fixed/);
    expect(queriesOf(report)[0]?.expr).toContain(PROM.sessionWindows.high);
  });

  it('drills down version → stage → OS and logical CPUs → event-detail bucket, each cell vs its complement', () => {
    const exprs = queriesOf(report).map((query) => query.expr);
    for (const grouping of [
      'version, stage',
      'version, stage, os',
      'version, cpu_cores',
      'version, stage, detail, detail_bucket',
    ])
      expect(
        exprs.some((expr) => expr.includes(`sum by (${grouping}`)),
        grouping,
      ).toBe(true);
    // A complement is the parent minus the cell: `… - on (parent) group_right () …`.
    expect(exprs.some((expr) => /- on \(version, stage\) group_right \(\)/.test(expr))).toBe(true);
  });

  it('builds the suspects table from the complement rules, ranked by the lower confidence bound', () => {
    const suspects = queriesOf(report).filter((query) => query.panelTitle.startsWith('Suspects'));
    expect(suspects.find((query) => query.refId === 'A')?.expr).toContain(RULES.cellRiskDifferenceLower1h);
    for (const query of suspects) expect(query.expr).toContain('$min_sessions');
  });

  it('reads only recording rules that the rules file records', () => {
    for (const name of Object.values(RULES)) expect(RECORDED.has(name), name).toBe(true);
  });

  it('enables exemplars on the CPU quantile panel', () => {
    expect(
      queriesOf(report).some((query) => query.exemplar && query.expr.includes('histogram_quantile(0.95')),
    ).toBe(true);
  });
});

describe('substituteVariables', () => {
  it('replaces $name and ${name} but leaves unknown variables alone', () => {
    expect(
      substituteVariables('a{t="$threshold"}[$__range] ${version} $other', {
        threshold: '0.3',
        __range: '1h',
        version: '7',
      }),
    ).toBe('a{t="0.3"}[1h] 7 $other');
  });
});
