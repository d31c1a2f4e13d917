// Runs a client recipe as a real external process, the way a user would, and collects what it printed.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { MissingToolError, repoPath, toolsDir } from '../../src/stack/index.js';

export interface ClientRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** From the recipe's last line "recorded N samples"; undefined when it did not get there. */
  recordedSamples: number | undefined;
}

/** The Python of the venv scripts/install-tools.sh makes with the OpenTelemetry SDK. */
export function otelPython(): string {
  const python = join(toolsDir(), 'python-otel', 'bin', 'python');
  if (!existsSync(python)) {
    throw new MissingToolError(
      'the Python venv with the OpenTelemetry SDK',
      'Run `npm run tools` (scripts/install-tools.sh) to create it.',
    );
  }
  return python;
}

export function recipePath(file: string): string {
  return repoPath('test', 'clients', file);
}

/** Runs `command args` with `env` added; kills it after `timeoutMs`. */
export function runClient(
  command: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<ClientRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: repoPath(),
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const match = /recorded (\d+) samples/.exec(stdout);
      resolve({ code, stdout, stderr, recordedSamples: match ? Number(match[1]) : undefined });
    });
  });
}
