// Property: whatever bytes arrive, the decoders either return a model or throw OtlpDecodeError —
// never another exception, never a hang. Inputs are valid payloads (ours and the SDK's) with random
// byte mutations, truncations, insertions and deletions, plus structural mutations for JSON.

import { JsonMetricsSerializer, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import { AggregationTemporality } from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  OtlpDecodeError,
  decodeExportMetricsServiceRequest,
  decodeExportMetricsServiceRequestJsonBytes,
  decodeExportMetricsServiceRequestJsonValue,
  encodeExportMetricsServiceRequest,
  encodeExportMetricsServiceRequestJson,
} from '../../../src/otlp/index.js';
import { everyFieldRequest } from './model-fixtures.js';
import { collectSdkMetrics } from './sdk-fixtures.js';

type Mutation =
  | { kind: 'flip'; at: number; value: number }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; bytes: number[] }
  | { kind: 'delete'; at: number; length: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 12 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 16 }) }),
);

function mutate(input: Uint8Array, mutations: Mutation[]): Uint8Array {
  let bytes = input;
  for (const m of mutations) {
    const at = bytes.length === 0 ? 0 : m.at % bytes.length;
    if (m.kind === 'flip') {
      bytes = bytes.slice();
      if (bytes.length > 0) bytes[at] = m.value;
    } else if (m.kind === 'truncate') {
      bytes = bytes.subarray(0, at);
    } else if (m.kind === 'insert') {
      const grown = new Uint8Array(bytes.length + m.bytes.length);
      grown.set(bytes.subarray(0, at));
      grown.set(m.bytes, at);
      grown.set(bytes.subarray(at), at + m.bytes.length);
      bytes = grown;
    } else {
      const end = Math.min(bytes.length, at + m.length);
      const shrunk = new Uint8Array(bytes.length - (end - at));
      shrunk.set(bytes.subarray(0, at));
      shrunk.set(bytes.subarray(end), at);
      bytes = shrunk;
    }
  }
  return bytes;
}

/** Runs `decode`; fails the property on anything but success or OtlpDecodeError. */
function decodesOrRejectsCleanly(decode: () => unknown): boolean {
  try {
    decode();
    return true;
  } catch (error) {
    if (error instanceof OtlpDecodeError) return true;
    throw error;
  }
}

const RUNS = 3000;
let protobufSeeds: Uint8Array[] = [];
let jsonSeeds: Uint8Array[] = [];

beforeAll(async () => {
  const sdk = await collectSdkMetrics(AggregationTemporality.DELTA, 1);
  const sdkProtobuf = ProtobufMetricsSerializer.serializeRequest(sdk);
  const sdkJson = JsonMetricsSerializer.serializeRequest(sdk);
  if (sdkProtobuf === undefined || sdkJson === undefined) throw new Error('SDK serializer returned nothing');
  protobufSeeds = [encodeExportMetricsServiceRequest(everyFieldRequest()), sdkProtobuf];
  jsonSeeds = [new TextEncoder().encode(encodeExportMetricsServiceRequestJson(everyFieldRequest())), sdkJson];
});

describe('decoder fuzzing', () => {
  it('protobuf: mutated payloads decode or throw OtlpDecodeError', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seedIndex, mutations) => {
        const input = mutate(protobufSeeds[seedIndex % protobufSeeds.length]!, mutations);
        return decodesOrRejectsCleanly(() => decodeExportMetricsServiceRequest(input));
      }),
      { numRuns: RUNS },
    );
  });

  it('protobuf: arbitrary bytes decode or throw OtlpDecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 256 }), (input) =>
        decodesOrRejectsCleanly(() => decodeExportMetricsServiceRequest(input)),
      ),
      { numRuns: RUNS },
    );
  });

  it('JSON: byte-mutated payloads decode or throw OtlpDecodeError', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seedIndex, mutations) => {
        const input = mutate(jsonSeeds[seedIndex % jsonSeeds.length]!, mutations);
        return decodesOrRejectsCleanly(() => decodeExportMetricsServiceRequestJsonBytes(input));
      }),
      { numRuns: RUNS },
    );
  });

  it('JSON: structurally mutated payloads (any node replaced by any JSON value) decode or throw OtlpDecodeError', () => {
    const seeds = jsonSeeds.map((bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown);
    // Every node of every seed, addressed by its path.
    const paths = seeds.map((seed) => {
      const out: Array<Array<string | number>> = [];
      const walk = (node: unknown, path: Array<string | number>) => {
        out.push(path);
        if (Array.isArray(node)) node.forEach((child, i) => walk(child, [...path, i]));
        else if (typeof node === 'object' && node !== null) {
          for (const [key, child] of Object.entries(node)) walk(child, [...path, key]);
        }
      };
      walk(seed, []);
      return out;
    });
    expect(paths.every((p) => p.length > 100)).toBe(true);
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.jsonValue({ maxDepth: 3 }), (seedIndex, pathIndex, replacement) => {
        const s = seedIndex % seeds.length;
        const copy = structuredClone(seeds[s]) as Record<string | number, unknown>;
        const path = paths[s]![pathIndex % paths[s]!.length]!;
        let target: unknown = copy;
        for (let i = 0; i < path.length - 1; i++)
          target = (target as Record<string | number, unknown>)[path[i]!];
        const root = path.length === 0 ? replacement : copy;
        if (path.length > 0)
          (target as Record<string | number, unknown>)[path[path.length - 1]!] = replacement;
        return decodesOrRejectsCleanly(() => decodeExportMetricsServiceRequestJsonValue(root));
      }),
      { numRuns: RUNS },
    );
  });
});
