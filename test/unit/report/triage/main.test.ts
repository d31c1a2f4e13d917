import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function triage(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [
      '--import',
      'tsx',
      'src/report/triage/main.ts',
      ...args,
    ]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run triage (CLI)', () => {
  it('explains a bad option instead of crashing', async () => {
    const result = await triage(['--range', '12 hours']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/range must be a Prometheus duration/);
  });

  it('rejects unknown flags with the usage', async () => {
    const result = await triage(['--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/usage: npm run triage/);
  });

  it('says clearly when Prometheus cannot be reached', async () => {
    const result = await triage(['--prometheus', 'http://127.0.0.1:1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/cannot reach Prometheus at http:\/\/127\.0\.0\.1:1/);
  });
});
