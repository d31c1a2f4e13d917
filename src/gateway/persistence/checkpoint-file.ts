import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { dirname } from 'node:path';

// A checkpoint file is one line with the SHA-256 (hex) of the body, a newline, then the body (JSON).
// It is written to a temporary file, fsynced and renamed over the previous one, so a crash at any
// moment leaves either the old or the new checkpoint, never a torn one.

export class CheckpointFileError extends Error {
  override readonly name = 'CheckpointFileError';
}

/** Writes `body` durably as `path` (temporary file + fsync + rename + fsync of the directory). */
export async function writeCheckpointFile(path: string, body: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.tmp`;
  const digest = createHash('sha256').update(body).digest('hex');
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(`${digest}\n${body}`);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  await syncDirectory(dirname(path));
}

/** The body of the checkpoint at `path`, or undefined when there is none; throws when it is damaged. */
export function readCheckpointFile(path: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new CheckpointFileError(`cannot read the gateway checkpoint ${path}: ${(error as Error).message}`);
  }
  const newline = text.indexOf('\n');
  const digest = newline < 0 ? '' : text.slice(0, newline);
  const body = newline < 0 ? '' : text.slice(newline + 1);
  if (createHash('sha256').update(body).digest('hex') !== digest) {
    throw damaged(path, 'its checksum does not match its content');
  }
  return body;
}

/** The error for a checkpoint that cannot be used, naming the file and the ways out. */
export function damaged(path: string, why: string): CheckpointFileError {
  return new CheckpointFileError(
    `the gateway checkpoint ${path} is damaged (${why}). Restore it from a backup, or move it away ` +
      'to start with empty state (sessions and counters start over; Prometheus sees a counter reset).',
  );
}

async function syncDirectory(path: string): Promise<void> {
  try {
    const dir = await open(path, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  } catch {
    // Some platforms cannot fsync a directory; the rename itself is still atomic there.
  }
}
