import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface RuleGroup {
  name: string;
  interval?: string;
  rules: Array<{
    record?: string;
    alert?: string;
    expr: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  }>;
}

function groups(file: string): RuleGroup[] {
  return (
    parse(readFileSync(new URL(`../../../prometheus/rules/${file}`, import.meta.url), 'utf8')) as {
      groups: RuleGroup[];
    }
  ).groups;
}

describe('recording rules', () => {
  const [hourly, daily] = groups('filesfu-report.rules.yml');

  it('has the 1d group identical to the 1h group apart from the window', () => {
    expect(hourly?.name).toBe('filesfu-report-1h');
    expect(daily?.name).toBe('filesfu-report-1d');
    const asHourly = (daily?.rules ?? []).map((rule) => ({
      record: rule.record?.replaceAll('1d', '1h'),
      expr: rule.expr.replaceAll('1d', '1h'),
    }));
    expect(asHourly).toEqual((hourly?.rules ?? []).map((rule) => ({ record: rule.record, expr: rule.expr })));
  });

  it('names every rule level:metric:operations', () => {
    for (const rule of [...(hourly?.rules ?? []), ...(daily?.rules ?? [])]) {
      expect(rule.record).toMatch(/^[a-z_]*:[a-z_]+:[a-z0-9_]+$/);
    }
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
      expect(() =>
        readFileSync(new URL(`../../../${alert.annotations?.runbook_url}`, import.meta.url)),
      ).not.toThrow();
    }
  });

  it('tests every alert in prometheus/tests', () => {
    const tests = readFileSync(
      new URL('../../../prometheus/tests/filesfu-alerts.test.yml', import.meta.url),
      'utf8',
    );
    for (const alert of alerts) expect(tests).toContain(`alertname: ${alert.alert}`);
  });
});
