import { describe, expect, it } from 'vitest';
import { LineSplitter, parseStageLine } from '../../../../src/watchdog/stage/index.js';

const limits = { maxStageLength: 16 };

describe('parseStageLine', () => {
  it('accepts stage, hello and bye messages', () => {
    expect(parseStageLine('{"type":"stage","stage":"indexing"}', limits)).toEqual({
      ok: true,
      message: { type: 'stage', stage: 'indexing', detail: undefined },
    });
    expect(
      parseStageLine('{"type":"stage","stage":"receiving","detail":{"fileNameLength":57}}', limits),
    ).toMatchObject({
      ok: true,
      message: { detail: { fileNameLength: 57 } },
    });
    expect(parseStageLine('{"type":"hello","appVersion":"6.4.0"}', limits)).toEqual({
      ok: true,
      message: { type: 'hello', appVersion: '6.4.0' },
    });
    expect(parseStageLine('{"type":"bye"}', limits)).toEqual({ ok: true, message: { type: 'bye' } });
  });

  it('passes stages outside the known list through unchanged', () => {
    expect(parseStageLine('{"type":"stage","stage":"defragmenting"}', limits)).toMatchObject({
      ok: true,
      message: { stage: 'defragmenting' },
    });
  });

  it.each([
    ['not json', 'malformed-json'],
    ['[1,2]', 'missing-type'],
    ['{"stage":"idle"}', 'missing-type'],
    ['{"type":"launch"}', 'unknown-type'],
    ['{"type":"stage"}', 'missing-stage'],
    ['{"type":"stage","stage":"  "}', 'missing-stage'],
    ['{"type":"stage","stage":42}', 'missing-stage'],
    ['{"type":"stage","stage":"a-very-long-stage-name"}', 'stage-too-long'],
    ['{"type":"stage","stage":"idle","detail":[1]}', 'invalid-detail'],
  ])('rejects %s as %s', (line, reason) => {
    expect(parseStageLine(line, limits)).toEqual({ ok: false, reason });
  });
});

describe('LineSplitter', () => {
  function split(chunks: string[], maxLineBytes = 16) {
    const lines: string[] = [];
    let overlong = 0;
    const splitter = new LineSplitter(maxLineBytes, {
      onLine: (l) => lines.push(l),
      onOverlong: () => (overlong += 1),
    });
    for (const chunk of chunks) splitter.push(Buffer.from(chunk));
    return { lines, overlong };
  }

  it('reassembles lines across chunks and handles several per chunk', () => {
    expect(split(['ab', 'c\nde\r\nf', 'g\n\n']).lines).toEqual(['abc', 'de', 'fg']);
  });

  it('reports an overlong line once and resynchronises at the next newline', () => {
    const { lines, overlong } = split(['x'.repeat(10), 'y'.repeat(10), 'z'.repeat(100), '\nok\n']);
    expect(overlong).toBe(1);
    expect(lines).toEqual(['ok']);
  });

  it('keeps an unterminated partial line pending', () => {
    expect(split(['partial']).lines).toEqual([]);
  });
});

describe('LineSplitter chunking', () => {
  it('yields the same lines however the stream is chunked', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', 'b', '{', '"', ' ', 'é'), maxLength: 20 }), {
          maxLength: 10,
        }),
        fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }),
        (lines, cuts) => {
          const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''));
          const got: string[] = [];
          const splitter = new LineSplitter(1024, { onLine: (l) => got.push(l), onOverlong: () => {} });
          let offset = 0;
          for (let i = 0; offset < bytes.length; i++) {
            const size = cuts[i % cuts.length] ?? 1;
            splitter.push(bytes.subarray(offset, offset + size));
            offset += size;
          }
          expect(got).toEqual(lines.filter((l) => l.trim() !== ''));
        },
      ),
    );
  });
});
