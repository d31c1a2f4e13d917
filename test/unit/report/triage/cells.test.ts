import { describe, expect, it } from 'vitest';
import {
  aggregateCells,
  keyIn,
  ordinalTails,
  tailsOf,
  type CountTables,
} from '../../../../src/report/triage/cells.js';
import { comparisonOf } from '../../../../src/report/triage/contrasts.js';

const TABLES: CountTables = {
  session: [
    { labels: { version: 'A', os: 'linux', cpu_cores: '3-4' }, n: 70, k: 20 },
    { labels: { version: 'B', os: 'linux', cpu_cores: '3-4' }, n: 20, k: 2 },
    { labels: { version: 'B', os: 'darwin', cpu_cores: '5-8' }, n: 10, k: 1 },
  ],
  stage: [
    { labels: { version: 'A', stage: 'login', os: 'linux' }, n: 40, k: 15 },
    { labels: { version: 'B', stage: 'login', os: 'linux' }, n: 10, k: 1 },
  ],
  detail: [
    {
      labels: {
        version: 'A',
        stage: 'receiving',
        os: 'linux',
        detail: 'file_name_length',
        detail_bucket: '43-80',
      },
      n: 5,
      k: 4,
    },
    {
      labels: {
        version: 'A',
        stage: 'receiving',
        os: 'linux',
        detail: 'file_name_length',
        detail_bucket: '>80',
      },
      n: 5,
      k: 3,
    },
    {
      labels: {
        version: 'A',
        stage: 'receiving',
        os: 'linux',
        detail: 'file_name_length',
        detail_bucket: '<=20',
      },
      n: 10,
      k: 1,
    },
    {
      labels: {
        version: 'A',
        stage: 'receiving',
        os: 'linux',
        detail: 'file_name_length',
        detail_bucket: '21-42',
      },
      n: 0,
      k: 0,
    },
  ],
};

describe('cells', () => {
  it('ordinal tails: every cut between observed buckets, single-bucket tails left out', () => {
    const tails = ordinalTails(['>80', '<=20', '21-42', '43-80']);
    expect(Object.fromEntries(tails)).toEqual({
      '>20': ['21-42', '43-80', '>80'],
      '<=42': ['<=20', '21-42'],
      '>42': ['43-80', '>80'],
      '<=80': ['<=20', '21-42', '43-80'],
    });
  });

  it('aggregates every combination of "value or all", tails included', () => {
    const cells = aggregateCells(TABLES, tailsOf(TABLES));
    expect(cells.get(keyIn('session', {}))).toMatchObject({ n: 100, k: 23 });
    expect(cells.get(keyIn('session', { version: 'B' }))).toMatchObject({ n: 30, k: 3 });
    expect(cells.get(keyIn('stage', { stage: 'login' }))).toMatchObject({ n: 50, k: 16 });
    const tail = {
      version: 'A',
      stage: 'receiving',
      os: 'linux',
      detail: 'file_name_length',
      detail_bucket: '>42',
    };
    expect(cells.get(keyIn('detail', tail))).toMatchObject({ n: 10, k: 7 });
  });

  it('compares a cell with the same context without it, never with a total containing it', () => {
    const cells = aggregateCells(TABLES, tailsOf(TABLES));
    // A dominant version (70 of 100 windows) against the 30 windows of the others.
    expect(comparisonOf(cells, cells.get(keyIn('session', { version: 'A' }))!, 'version')).toEqual({
      n: 70,
      k: 20,
      n0: 30,
      k0: 3,
    });
    // Version A in login against the other versions in login.
    expect(
      comparisonOf(cells, cells.get(keyIn('stage', { version: 'A', stage: 'login' }))!, 'version'),
    ).toEqual({
      n: 40,
      k: 15,
      n0: 10,
      k0: 1,
    });
    // Names longer than 42 against the other buckets of the same version, stage and OS.
    const tail = {
      version: 'A',
      stage: 'receiving',
      os: 'linux',
      detail: 'file_name_length',
      detail_bucket: '>42',
    };
    expect(comparisonOf(cells, cells.get(keyIn('detail', tail))!, 'detail_bucket')).toEqual({
      n: 10,
      k: 7,
      n0: 10,
      k0: 1,
    });
  });
});
