import { describe, expect, it } from 'vitest';
import { durationSeconds, parseTriageOptions } from '../../../../src/report/triage/options.js';

describe('triage options', () => {
  it('has sane defaults', () => {
    const options = parseTriageOptions({});
    expect(options.range).toBe('12h');
    expect(options.threshold).toBe(0.3);
    expect(options.alpha).toBe(0.01);
    expect(options.minRiskDifference).toBe(0.05);
  });

  it('rejects bad values with a message naming the option', () => {
    expect(() => parseTriageOptions({ range: '12 hours' })).toThrow(/range/);
    expect(() => parseTriageOptions({ threshold: 3 })).toThrow(/threshold/);
    expect(() => parseTriageOptions({ alpha: Number('x') })).toThrow(/alpha/);
    expect(() => parseTriageOptions({ minRiskDifference: 2 })).toThrow(/minRiskDifference/);
    expect(() => parseTriageOptions({ prometheusUrl: 'not a url' })).toThrow(/prometheusUrl/);
  });

  it('converts Prometheus durations to seconds', () => {
    expect(durationSeconds('90s')).toBe(90);
    expect(durationSeconds('12h')).toBe(43200);
    expect(durationSeconds('1d')).toBe(86400);
    expect(() => durationSeconds('1y')).toThrow();
  });
});
