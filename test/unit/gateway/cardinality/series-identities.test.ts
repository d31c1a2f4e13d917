import { describe, expect, it } from 'vitest';
import {
  SeriesIdentities,
  seriesKey,
  type LabelsBuilder,
} from '../../../../src/gateway/cardinality/index.js';

const labels: LabelsBuilder = (version, os, stage, threshold) => ({ version, stage, os, threshold });
const five: LabelsBuilder = (a, b, c, d, e) => ({ a, b, c, d, e });

describe('SeriesIdentities', () => {
  it('builds the same key as seriesKey and hands out one shared identity per label set', () => {
    const identities = new SeriesIdentities();
    const first = identities.get('m', labels, '6.1.0', 'linux', 'idle', '0.3');
    expect(first.key).toBe(
      seriesKey('m', { version: '6.1.0', stage: 'idle', os: 'linux', threshold: '0.3' }),
    );
    expect(first.labels).toEqual({ version: '6.1.0', stage: 'idle', os: 'linux', threshold: '0.3' });
    expect(identities.get('m', labels, '6.1.0', 'linux', 'idle', '0.3')).toBe(first);
  });

  it('keeps label sets apart that a joined string key would confuse', () => {
    const identities = new SeriesIdentities();
    const a = identities.get('m', labels, 'a\u0000b', 'c', 'd', '');
    const b = identities.get('m', labels, 'a', 'b\u0000c', 'd', '');
    const c = identities.get('n', labels, 'a\u0000b', 'c', 'd', '');
    expect(new Set([a.key, b.key, c.key]).size).toBe(3);
  });

  it('tells label sets apart in every one of its five values', () => {
    const identities = new SeriesIdentities();
    const base = ['v', 'o', 's', 'd', 'b'] as const;
    const keys = new Set([identities.get('m', five, ...base).key]);
    for (let i = 0; i < base.length; i++) {
      const changed = [...base] as [string, string, string, string, string];
      changed[i] = 'x';
      keys.add(identities.get('m', five, ...changed).key);
    }
    expect(keys.size).toBe(6);
  });

  it('rebuilds after clear() with an equal key', () => {
    const identities = new SeriesIdentities();
    const before = identities.get('m', labels, 'v', 'o', 's', 't');
    identities.clear();
    const after = identities.get('m', labels, 'v', 'o', 's', 't');
    expect(after).not.toBe(before);
    expect(after.key).toBe(before.key);
  });
});
