// The k6 scripts cannot run here (no k6), so they are checked statically: typechecked against
// @types/k6 through JSDoc, and their shared patching code is run against the Node implementation.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generatePayloadFiles, type PayloadManifest } from '../../../src/load/payload-files.js';
import { fillJsonTemplate, patchProtobuf } from '../../../src/load/payload-templates.js';
import { repoPath } from '../../../src/stack/repo.js';
// @ts-expect-error — plain JS module for k6, checked by load/k6/tsconfig.json rather than this project
import * as k6Payloads from '../../../load/k6/lib/payloads.js';

interface K6PayloadLib {
  parseManifest(text: string): PayloadManifest;
  uuid(): string;
  writeNanos(bytes: Uint8Array, offset: number, ms: number): void;
  patchProtobuf(
    template: ArrayBuffer,
    offsets: PayloadManifest['payloads'][number]['offsets'],
    sessionId: string,
    startMs: number,
    endMs: number,
  ): ArrayBuffer;
  fillJson(
    template: string,
    placeholders: PayloadManifest['jsonPlaceholders'],
    values: { sessionId: string; startMs: number; endMs: number; version: string },
  ): string;
}
const lib = k6Payloads as K6PayloadLib;

const dir = mkdtempSync(join(tmpdir(), 'k6-payloads-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('k6 scripts', () => {
  it('typecheck against @types/k6', () => {
    const tsc = repoPath('node_modules', 'typescript', 'bin', 'tsc');
    expect(() =>
      execFileSync(process.execPath, [tsc, '-p', repoPath('load', 'k6', 'tsconfig.json'), '--noEmit'], {
        encoding: 'utf8',
      }),
    ).not.toThrow();
  }, 60_000);

  it('each declares thresholds and reads only generated payload files', () => {
    const scripts = readdirSync(repoPath('load', 'k6')).filter((file) => file.endsWith('.js'));
    expect(scripts.sort()).toEqual(['cardinality-attack.js', 'ingest-throughput.js', 'soak.js']);
    for (const script of scripts) {
      const source = readFileSync(repoPath('load', 'k6', script), 'utf8');
      expect(source, script).toMatch(/export const options = \{[\s\S]*thresholds: \{/);
      expect(source, script).toMatch(/open\(`\$\{DIR\}\/manifest\.json`\)/);
    }
  });

  it('patch templates byte for byte like the Node implementation', () => {
    const manifest = generatePayloadFiles({
      outDir: dir,
      installs: 3,
      samplesPerExport: 10,
      keyId: 'k',
      secret: 's'.repeat(32),
    });
    const parsed = lib.parseManifest(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(parsed.payloads).toHaveLength(3);
    const sessionId = lib.uuid();
    expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const startMs = 1_764_400_000_123;
    const endMs = startMs + 10_000;
    for (const entry of manifest.payloads) {
      const bytes = new Uint8Array(readFileSync(join(dir, entry.protobuf)));
      const fromK6 = new Uint8Array(
        lib.patchProtobuf(
          bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
          entry.offsets,
          sessionId,
          startMs,
          endMs,
        ),
      );
      const fromNode = patchProtobuf(
        { bytes, offsets: entry.offsets },
        sessionId,
        BigInt(startMs) * 1_000_000n,
        BigInt(endMs) * 1_000_000n,
      );
      expect(Buffer.from(fromK6).equals(Buffer.from(fromNode))).toBe(true);

      const json = readFileSync(join(dir, entry.json), 'utf8');
      const values = { sessionId, startMs, endMs, version: '9.9.9' };
      expect(lib.fillJson(json, parsed.jsonPlaceholders, values)).toBe(
        fillJsonTemplate(json, {
          sessionId,
          startNs: BigInt(startMs) * 1_000_000n,
          timeNs: BigInt(endMs) * 1_000_000n,
          version: '9.9.9',
        }),
      );
    }
  });

  it('writes nanosecond timestamps exactly without BigInt', () => {
    for (const ms of [0, 1, 65_535, 65_536, 1_764_400_000_123, 4_102_444_800_000]) {
      const bytes = new Uint8Array(8);
      lib.writeNanos(bytes, 0, ms);
      expect(new DataView(bytes.buffer).getBigUint64(0, true)).toBe(BigInt(ms) * 1_000_000n);
    }
  });
});
