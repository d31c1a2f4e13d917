import { readFileSync, readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROM } from '../../../src/model/index.js';

interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RuleGroup {
  name: string;
  interval?: string;
  rules: Rule[];
}

function read(path: string): string {
  return readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');
}

/** Every promtool test file, concatenated. */
function promtoolTests(): string {
  const dir = new URL('../../../prometheus/tests/', import.meta.url);
  return readdirSync(dir)
    .filter((file) => file.endsWith('.test.yml'))
    .map((file) => readFileSync(new URL(file, dir), 'utf8'))
    .join('\n');
}

function groups(file: string): RuleGroup[] {
  return (parse(read(`prometheus/rules/${file}`)) as { groups: RuleGroup[] }).groups;
}

/** Every forwarded series the report may read (src/model), as Prometheus names. */
const FORWARDED = new Set([
  PROM.cpuBucket,
  PROM.cpuCount,
  PROM.cpuSum,
  ...[PROM.sessionWindows, PROM.stageWindows, PROM.detailWindows].flatMap((f) => [f.active, f.high]),
]);

/** Metric-like names in an expression: recording rules (with `:`) and our metric families. */
function seriesNames(expr: string): string[] {
  const names = expr.match(/[a-zA-Z_]*(?::[a-zA-Z0-9_]+){2,}|\b(?:filesfu|process|otelcol)_[a-z0-9_]+/g);
  return [...new Set(names ?? [])];
}

describe('recording rules', () => {
  const [hourly, daily] = groups('filesfu-report.rules.yml');
  const records = new Set([...(hourly?.rules ?? []), ...(daily?.rules ?? [])].map((rule) => rule.record));

  it('has the 1d group identical to the 1h group apart from the window', () => {
    expect(hourly?.name).toBe('filesfu-report-1h');
    expect(daily?.name).toBe('filesfu-report-1d');
    const asHourly = (daily?.rules ?? []).map((rule) => ({
      record: rule.record?.replaceAll('1d', '1h'),
      expr: rule.expr.replaceAll('1d', '1h'),
      labels: rule.labels,
    }));
    expect(asHourly).toEqual(
      (hourly?.rules ?? []).map((rule) => ({ record: rule.record, expr: rule.expr, labels: rule.labels })),
    );
  });

  it('names every rule level:metric:operations', () => {
    for (const rule of [...(hourly?.rules ?? []), ...(daily?.rules ?? [])]) {
      expect(rule.record).toMatch(/^[a-z_]*:[a-z_]+:[a-z0-9_]+$/);
    }
  });

  it('reads only v2 series from src/model and rules recorded earlier in the same group', () => {
    for (const group of [hourly, daily]) {
      const earlier = new Set<string>();
      for (const rule of group?.rules ?? []) {
        for (const name of seriesNames(rule.expr)) {
          expect(FORWARDED.has(name) || earlier.has(name), `${name} in ${rule.record}`).toBe(true);
        }
        earlier.add(rule.record ?? '');
      }
    }
  });

  it('computes every ratio with increase() or rate() over one window family (reset-safe)', () => {
    for (const rule of hourly?.rules ?? []) {
      const raw = seriesNames(rule.expr).filter((name) => FORWARDED.has(name));
      for (const name of raw)
        expect(rule.expr, rule.record).toMatch(new RegExp(`(increase|rate)\\(${name}[{[]`));
      const families = new Set(raw.map((name) => name.replace(/_high_cpu_total$/, '_total')));
      expect(families.size, `${rule.record} mixes families`).toBeLessThanOrEqual(1);
    }
  });

  it('has a hand-worked promtool test for every 1h rule (the 1d group is the same rules)', () => {
    const tests = promtoolTests();
    for (const rule of hourly?.rules ?? []) expect(tests, rule.record).toContain(`'${rule.record}`);
  });

  it('records every name the dashboards and the alerts use', () => {
    expect(records.size).toBeGreaterThan(0);
    const alerts = groups('filesfu-alerts.rules.yml').flatMap((group) => group.rules);
    for (const alert of alerts)
      for (const name of seriesNames(alert.expr).filter((n) => n.includes(':')))
        expect(records.has(name), `${name} in ${alert.alert}`).toBe(true);
  });
});

describe('alert rules', () => {
  const alerts = groups('filesfu-alerts.rules.yml').flatMap((group) => group.rules);

  it('gives every alert a severity, summary, description and a runbook that exists', () => {
    expect(alerts.length).toBeGreaterThan(0);
    for (const alert of alerts) {
      expect(alert.alert).toBeTruthy();
      expect(alert.labels?.severity).toMatch(/^(critical|warning|info)$/);
      expect(alert.annotations?.summary).toBeTruthy();
      expect(alert.annotations?.description).toBeTruthy();
      expect(alert.annotations?.runbook_url).toBe(`docs/runbooks/${alert.alert}.md`);
      expect(() => read(alert.annotations?.runbook_url ?? '')).not.toThrow();
    }
  });

  it('reads only v2 series, recording rules and the pipeline’s own metrics', () => {
    for (const alert of alerts) {
      for (const name of seriesNames(alert.expr)) {
        const known =
          FORWARDED.has(name) ||
          name.includes(':') ||
          name.startsWith('filesfu_gateway_') ||
          name.startsWith('otelcol_');
        expect(known, `${name} in ${alert.alert}`).toBe(true);
      }
    }
  });

  it('compares a version with the other versions, never with a fleet total that contains it', () => {
    const version = alerts.find((alert) => alert.alert === 'FilesfuVersionHighCpuExcess');
    expect(version?.expr).toMatch(/comparison="other versions"/);
    for (const alert of alerts) expect(alert.expr).not.toMatch(/lift/);
  });

  it('tests every alert in prometheus/tests', () => {
    const tests = promtoolTests();
    for (const alert of alerts) expect(tests).toContain(`alertname: ${alert.alert}`);
  });
});
