import { describe, expect, it } from 'vitest';
import {
  formatSessionId,
  sessionIdOf,
  topExampleSessions,
} from '../../../../src/report/triage/session-ids.js';

describe('session ids from exemplars', () => {
  it('formats a 32-hex trace id as a UUID', () => {
    expect(formatSessionId('3F0C1D2E4A5B4C6D8E9FA0B1C2D3E4F5')).toBe('3f0c1d2e-4a5b-4c6d-8e9f-a0b1c2d3e4f5');
    expect(formatSessionId('3f0c1d2e-4a5b-4c6d-8e9f-a0b1c2d3e4f5')).toBe(
      '3f0c1d2e-4a5b-4c6d-8e9f-a0b1c2d3e4f5',
    );
    expect(formatSessionId('not-a-uuid')).toBe('not-a-uuid');
  });

  it('prefers an explicit session id label over the trace id', () => {
    expect(
      sessionIdOf({ 'session.id': 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa', trace_id: 'b'.repeat(32) }),
    ).toBe('aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa');
    expect(sessionIdOf({ session_id: 'c'.repeat(32) })).toBe('cccccccc-cccc-cccc-cccc-cccccccccccc');
    expect(sessionIdOf({ trace_id: 'd'.repeat(32) })).toBe('dddddddd-dddd-dddd-dddd-dddddddddddd');
    expect(sessionIdOf({ span_id: '1234' })).toBeUndefined();
  });

  it('keeps each session once, at its highest CPU, highest first', () => {
    const top = topExampleSessions(
      [
        {
          seriesLabels: { version: '7.0.0' },
          exemplars: [
            { labels: { trace_id: 'a'.repeat(32) }, value: 0.5, timestamp: 1 },
            { labels: { trace_id: 'b'.repeat(32) }, value: 0.9, timestamp: 2 },
            { labels: { trace_id: 'a'.repeat(32) }, value: 0.95, timestamp: 3 },
            { labels: {}, value: 1, timestamp: 4 },
          ],
        },
      ],
      5,
    );
    expect(top.map((example) => [example.sessionId.slice(0, 8), example.cpu])).toEqual([
      ['aaaaaaaa', 0.95],
      ['bbbbbbbb', 0.9],
    ]);
  });
});
