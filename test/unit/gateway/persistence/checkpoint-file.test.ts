import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CheckpointFileError,
  CheckpointLocation,
  readCheckpointFile,
  writeCheckpointFile,
} from '../../../../src/gateway/persistence/index.js';

const freshDir = () => mkdtempSync(join(tmpdir(), 'filesfu-checkpoint-'));

describe('checkpoint file', () => {
  it('reads back what was written, and nothing where nothing was written', async () => {
    const path = join(freshDir(), 'sub', 'cp.json');
    expect(readCheckpointFile(path)).toBeUndefined();
    await writeCheckpointFile(path, '{"a":1}');
    expect(readCheckpointFile(path)).toBe('{"a":1}');
    await writeCheckpointFile(path, '{"a":2}');
    expect(readCheckpointFile(path)).toBe('{"a":2}');
  });

  it('refuses a file whose content does not match its checksum, naming the file and the way out', async () => {
    const path = join(freshDir(), 'cp.json');
    await writeCheckpointFile(path, '{"a":1}');
    writeFileSync(path, readFileSync(path, 'utf8').replace('"a":1', '"a":7'));
    expect(() => readCheckpointFile(path)).toThrow(CheckpointFileError);
    expect(() => readCheckpointFile(path)).toThrow(path);
    expect(() => readCheckpointFile(path)).toThrow(/checksum.*move it away/s);
  });

  it('refuses a checkpoint that is not JSON or of another format', async () => {
    const dir = freshDir();
    const location = new CheckpointLocation(dir);
    await writeCheckpointFile(location.path, 'not json');
    expect(() => location.load()).toThrow(/not valid JSON/);
    await writeCheckpointFile(location.path, JSON.stringify({ format: 99 }));
    expect(() => location.load()).toThrow(/format 99/);
  });

  it('writes concurrent saves one after the other, the last saved last', async () => {
    const location = new CheckpointLocation(freshDir());
    const saves = [1, 2, 3, 4, 5].map((n) =>
      location.save({ format: 1, replicaId: 'r', savedAtMs: n, aggregate: { histograms: [], windows: [] } }),
    );
    await Promise.all(saves);
    expect(location.load()?.savedAtMs).toBe(5);
  });
});
