import { describe, expect, it } from 'vitest';
import type { ExemplarSeries } from '../../../../src/report/triage/prometheus-api.js';
import {
  exampleSessions,
  exemplarSelector,
  formatSessionId,
} from '../../../../src/report/triage/session-ids.js';

const A = '0123456789abcdef0123456789abcdef';
const B = 'fedcba9876543210fedcba9876543210';

describe('example sessions from exemplars', () => {
  it('formats a 32-hex trace id as a UUID', () => {
    expect(formatSessionId(A)).toBe('01234567-89ab-cdef-0123-456789abcdef');
  });

  it("selects the culprit cell's histogram buckets above the threshold", () => {
    const selector = exemplarSelector(
      { version: '7.0.0', stage: 'login', detail: 'x', detail_bucket: '>1' },
      0.3,
    );
    expect(selector).toContain('version="7.0.0"');
    expect(selector).toContain('stage="login"');
    expect(selector).not.toContain('detail');
    expect(selector).toContain('le=~"0\\\\.5|0\\\\.8|0\\\\.9|1|1\\\\.0|\\\\+Inf"');
  });

  it('keeps exemplars above the threshold only, sessions seen over it most often first', () => {
    const series: ExemplarSeries[] = [
      {
        seriesLabels: { le: '1' },
        exemplars: [
          { labels: { trace_id: A }, value: 0.95, timestamp: 1 },
          { labels: { trace_id: B }, value: 0.6, timestamp: 1 },
          { labels: { trace_id: B }, value: 0.7, timestamp: 2 },
          { labels: { 'session.id': 'healthy-noise' }, value: 0.1, timestamp: 3 },
        ],
      },
    ];
    const examples = exampleSessions(series, 0.3, 5);
    expect(examples.map((e) => e.sessionId)).toEqual([formatSessionId(B), formatSessionId(A)]);
    expect(examples[0]).toMatchObject({ exemplarsAboveThreshold: 2, maxCpu: 0.7, lastSeen: 2 });
  });
});
