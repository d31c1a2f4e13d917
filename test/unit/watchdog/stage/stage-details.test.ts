import { describe, expect, it } from 'vitest';
import { stageDetailAttributes, validDetailAttributes } from '../../../../src/watchdog/stage/index.js';
import { STAGE_DETAILS } from '../../../../src/model/index.js';

describe('stageDetailAttributes', () => {
  it('maps every STAGE_DETAILS event key with a non-negative integer to its point attribute', () => {
    const detail = Object.fromEntries(STAGE_DETAILS.map((d, i) => [d.eventKey, i * 10]));
    const { attributes, ignored } = stageDetailAttributes(detail);
    expect(attributes).toEqual(Object.fromEntries(STAGE_DETAILS.map((d, i) => [d.attribute, i * 10])));
    expect(ignored).toEqual([]);
  });

  it('ignores unknown keys and values that are not non-negative safe integers, and names them', () => {
    const { attributes, ignored } = stageDetailAttributes({
      fileNameLength: 57,
      fileSizeBytes: -3,
      fileCount: 2.5,
      fileName: 'secret.txt',
      other: 1,
    });
    expect(attributes).toEqual({ 'filesfu.file.name.length': 57 });
    expect(ignored.sort()).toEqual(['fileCount', 'fileName', 'fileSizeBytes', 'other']);
    expect(stageDetailAttributes({ fileNameLength: '57' }).attributes).toEqual({});
    expect(stageDetailAttributes({ fileNameLength: 2 ** 60 }).attributes).toEqual({});
    expect(stageDetailAttributes(undefined)).toEqual({ attributes: {}, ignored: [] });
  });
});

describe('validDetailAttributes', () => {
  it('keeps only known attribute names with valid values', () => {
    expect(
      validDetailAttributes({ 'filesfu.file.name.length': 4, 'filesfu.file.size': -1, 'a.b': 2 }),
    ).toEqual({ 'filesfu.file.name.length': 4 });
    expect(validDetailAttributes(undefined)).toEqual({});
  });
});
