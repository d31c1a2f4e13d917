import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

// The real promtool checks the rules and runs every promtool unit test (prometheus/tests/*.test.yml):
// recording-rule values from input series and every alert firing and not firing.
describe('Prometheus rules (promtool)', () => {
  it('pass `promtool check rules` and `promtool test rules`', async () => {
    const { stdout } = await run('bash', ['scripts/promtool-test.sh'], { maxBuffer: 10 * 1024 * 1024 }).catch(
      (error: { stdout?: string; stderr?: string }) => {
        throw new Error(`scripts/promtool-test.sh failed:\n${error.stdout ?? ''}\n${error.stderr ?? ''}`);
      },
    );
    expect(stdout).toContain('filesfu-report.test.yml');
    expect(stdout).toContain('filesfu-alerts.test.yml');
    expect(stdout).not.toContain('FAILED');
  });
});
