import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OtlpDecodeError } from '../../../../src/otlp/errors.js';
import { MAX_ANY_VALUE_DEPTH } from '../../../../src/otlp/json/decode-common.js';
import {
  decodeExportMetricsServiceRequestJson,
  decodeExportMetricsServiceRequestJsonBytes,
  decodeExportMetricsServiceResponseJson,
} from '../../../../src/otlp/json/decode-metrics.js';
import { MAX_JSON_NESTING_DEPTH, checkJsonNestingDepth } from '../../../../src/otlp/json/nesting-depth.js';

/** The reference: depth of a parsed value, recursively (objects and arrays count one level each). */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce<number>((deepest, child) => Math.max(deepest, depthOf(child)), 0);
}

function exceeds(text: string, maxDepth: number): boolean {
  try {
    checkJsonNestingDepth(text, maxDepth);
    return false;
  } catch (error) {
    if (error instanceof OtlpDecodeError) return true;
    throw error;
  }
}

/** Arrays nested `depth` levels inside an unknown field of an otherwise empty request. */
function nestedRequest(depth: number): string {
  return `{"resourceMetrics":[],"x":${'['.repeat(depth - 1)}${']'.repeat(depth - 1)}}`;
}

/** The deepest request the decoder accepts: an exemplar attribute of nested kvlists. */
function deepestAcceptedRequest(): string {
  let value: unknown = { kvlistValue: { values: [] } };
  for (let i = 0; i < MAX_ANY_VALUE_DEPTH; i++) {
    value = { kvlistValue: { values: [{ key: `k${i}`, value }] } };
  }
  const exemplar = { filteredAttributes: [{ key: 'deep', value }], asDouble: 1, timeUnixNano: '1' };
  const point = { timeUnixNano: '1', count: '1', exemplars: [exemplar] };
  const metric = { name: 'm', histogram: { dataPoints: [point], aggregationTemporality: 1 } };
  return JSON.stringify({ resourceMetrics: [{ scopeMetrics: [{ metrics: [metric] }] }] });
}

describe('JSON nesting depth', () => {
  it('admits the deepest request the decoder accepts', () => {
    const text = deepestAcceptedRequest();
    const depth = depthOf(JSON.parse(text));
    expect(depth).toBe(15 + 4 * MAX_ANY_VALUE_DEPTH + 2);
    expect(depth).toBeLessThanOrEqual(MAX_JSON_NESTING_DEPTH);
    expect(() => decodeExportMetricsServiceRequestJson(text)).not.toThrow();
  });

  it('refuses a request one level deeper than MAX_JSON_NESTING_DEPTH with an error naming the limit', () => {
    expect(() => decodeExportMetricsServiceRequestJson(nestedRequest(MAX_JSON_NESTING_DEPTH))).not.toThrow();
    for (const depth of [MAX_JSON_NESTING_DEPTH + 1, 1_000_000]) {
      const text = nestedRequest(depth);
      expect(() => decodeExportMetricsServiceRequestJson(text)).toThrow(OtlpDecodeError);
      expect(() => decodeExportMetricsServiceRequestJson(text)).toThrow(
        `nested deeper than ${MAX_JSON_NESTING_DEPTH} levels (MAX_JSON_NESTING_DEPTH)`,
      );
      expect(() => decodeExportMetricsServiceRequestJsonBytes(Buffer.from(text))).toThrow(
        /MAX_JSON_NESTING_DEPTH/,
      );
    }
    expect(() => decodeExportMetricsServiceResponseJson(`${'{"a":'.repeat(200)}1${'}'.repeat(200)}`)).toThrow(
      /MAX_JSON_NESTING_DEPTH/,
    );
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ a: '[[[{{{', b: ['\\"[[[', '\\', '"\\"{'], c: { d: '\\\\"]]]' } });
    expect(depthOf(JSON.parse(text))).toBe(2);
    expect(exceeds(text, 2)).toBe(false);
    expect(exceeds(text, 1)).toBe(true);
  });

  it('measures exactly the depth of any JSON value, whatever its strings hold', () => {
    const tricky = fc.string({ unit: fc.constantFrom('"', '\\', '[', ']', '{', '}', 'a', 'é', '\u2028') });
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.oneof(tricky, fc.double(), fc.boolean(), fc.constant(null)),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(tricky, tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(value, fc.boolean(), (v, pretty) => {
        const text = JSON.stringify(v, null, pretty ? 2 : undefined);
        const depth = depthOf(v);
        expect(exceeds(text, depth)).toBe(false);
        if (depth > 0) expect(exceeds(text, depth - 1)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
