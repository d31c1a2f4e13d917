import { describe, expect, it } from 'vitest';
import { countQueries, toRows } from '../../../../src/report/triage/window-counts.js';

describe('window counts from Prometheus', () => {
  it('queries each family reset-safe with increase(), summed by its labels', () => {
    expect(countQueries('stage', '12h', 0.3)).toEqual({
      active: 'sum by (version, stage, os) (increase(filesfu_stage_windows_total[12h]))',
      high: 'sum by (version, stage, os) (increase(filesfu_stage_windows_high_cpu_total{threshold="0.3"}[12h]))',
    });
  });

  it('joins active and high by label set (missing high = 0, never above active)', () => {
    const rows = toRows(
      'session',
      [
        { metric: { version: 'A', os: 'linux', cpu_cores: '3-4' }, value: 10 },
        { metric: { version: 'B', os: 'linux', cpu_cores: '3-4' }, value: 5 },
        { metric: {}, value: 2 },
      ],
      [{ metric: { version: 'A', os: 'linux', cpu_cores: '3-4' }, value: 10.4 }],
    );
    expect(rows).toEqual([
      { labels: { version: 'A', os: 'linux', cpu_cores: '3-4' }, n: 10, k: 10 },
      { labels: { version: 'B', os: 'linux', cpu_cores: '3-4' }, n: 5, k: 0 },
      { labels: {}, n: 2, k: 0 },
    ]);
  });
});
