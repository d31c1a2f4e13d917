import { describe, expect, it } from 'vitest';
import { formatTriageText } from '../../../../src/report/triage/format-text.js';
import { parseTriageOptions } from '../../../../src/report/triage/options.js';
import { reportOf } from '../../../../src/report/triage/run-triage.js';
import { bucketPhrase } from '../../../../src/report/triage/summary.js';
import { syntheticFleet, versionName } from '../../../../src/report/triage/synthetic-fleet.js';

describe('the report', () => {
  const tables = syntheticFleet({
    seed: 3,
    windows: 8000,
    versions: 6,
    skew: 1,
    noise: 3,
    heterogeneity: 0.03,
    cluster: 1,
    faults: [{ cell: { version: versionName(1), stage: 'receiving', detail_bucket: '>42' }, add: 0.7 }],
  });
  const report = reportOf(tables, parseTriageOptions({ range: '12h' }), 1_700_000_000);

  it("walks the seed's drill-down to the detail level, stating the unit", () => {
    expect(report.culprits[0]?.cell).toEqual({
      version: versionName(1),
      stage: 'receiving',
      detail: 'file_name_length',
      detail_bucket: '>42',
    });
    expect(report.summary).toMatch(/^\d+\.\d% of [\d,]+ session windows in the last 12h went over 30% CPU/);
    expect(report.summary).toContain(`of those, `);
    expect(report.summary).toContain(`ran version ${versionName(1)}`);
    expect(report.summary).toContain('were high in stage receiving');
    expect(report.summary).toContain('were receiving a file with a name of over 42 characters');
  });

  it('lists every test with counts, rates, effect, interval, p, q and verdict (JSON)', () => {
    const json = JSON.parse(JSON.stringify(report)) as typeof report;
    expect(json.tests.length).toBe(report.search.tests);
    const test = json.tests[0]!;
    for (const key of [
      'cell',
      'n',
      'k',
      'rate',
      'complement',
      'riskDifference',
      'riskDifferenceInterval',
      'p',
      'q',
      'verdict',
    ])
      expect(test).toHaveProperty(key);
    expect(test.riskDifferenceInterval[0]).toBeLessThanOrEqual(test.riskDifference);
  });

  it('prints the culprits, never a p-value beyond its accuracy', () => {
    const text = formatTriageText(report);
    expect(text).toContain('Culprits (strongest first');
    expect(text).toContain(`version ${versionName(1)} / receiving / file_name_length >42`);
    expect(text).not.toMatch(/p \de-1[1-9]|p \de-[2-9]\d/);
  });

  it('words bucket labels', () => {
    expect(bucketPhrase('>42', 'characters')).toBe('over 42 characters');
    expect(bucketPhrase('21-42')).toBe('21 to 42');
    expect(bucketPhrase('<=20')).toBe('at most 20');
  });
});
