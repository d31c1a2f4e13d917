import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MissingToolError, repoPath, resolveTools } from '../../../src/stack/index.js';

describe('resolveTools', () => {
  it("finds the collector build of this checkout's manifest, not whichever checkout built last", () => {
    const dir = mkdtempSync(join(tmpdir(), 'filesfu-tools-'));
    const env = {
      FILESFU_TOOLS_DIR: dir,
      FILESFU_PROMETHEUS_BIN: '/bin/true',
      FILESFU_PROMTOOL_BIN: '/bin/true',
      FILESFU_REDIS_SERVER_BIN: '/bin/true',
    };
    // Another checkout's build (a different manifest) does not count.
    writeFileSync(join(dir, 'filesfu-otelcol-0123456789ab'), '');
    expect(() => resolveTools(env)).toThrow(MissingToolError);
    const hash = createHash('sha256')
      .update(readFileSync(repoPath('otel-collector', 'builder-config.yaml')))
      .digest('hex')
      .slice(0, 12);
    writeFileSync(join(dir, `filesfu-otelcol-${hash}`), '');
    expect(resolveTools(env).otelcol).toBe(join(dir, `filesfu-otelcol-${hash}`));
  });
});
