// The gateway process entry point itself: invalid configuration fails at startup (exit 2, every bad
// key listed, no secret echoed); a valid one logs JSON lines without secrets and exits 0 on SIGTERM.

import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { freePort, repoPath } from '../../src/stack/index.js';

const SECRET = 'process-secret-0123456789';

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runGateway(
  env: Record<string, string>,
  onOutput?: (stdout: string, kill: () => void) => void,
): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', repoPath('src', 'gateway', 'main.ts')], {
      cwd: repoPath(),
      env: { PATH: process.env['PATH'] ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      onOutput?.(stdout, () => child.kill('SIGTERM'));
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('gateway process', () => {
  it('exits 2 listing every invalid key, without echoing secrets', async () => {
    const exit = await runGateway({
      FILESFU_GATEWAY_PORT: 'not-a-port',
      FILESFU_GATEWAY_AUTH_KEYS: 'k1:short-secret',
      FILESFU_GATEWAY_CONFIG_JSON: JSON.stringify({
        server: { maxInFlightRequests: 0 },
        rateLimit: { typo: 1 },
      }),
    });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toContain('invalid gateway configuration');
    for (const key of ['server.port', 'server.maxInFlightRequests', 'rateLimit', 'auth.keys']) {
      expect(exit.stderr).toContain(key);
    }
    expect(exit.stderr).not.toContain('short-secret');
  });

  it('logs JSON lines without secrets and exits 0 on SIGTERM', async () => {
    const port = await freePort();
    let signalled = false;
    const exit = await runGateway(
      {
        FILESFU_GATEWAY_HOST: '127.0.0.1',
        FILESFU_GATEWAY_PORT: String(port),
        FILESFU_GATEWAY_AUTH_KEYS: `k1:${SECRET}`,
        FILESFU_GATEWAY_COLLECTOR_URL: `http://127.0.0.1:${await freePort()}/v1/metrics`,
        FILESFU_GATEWAY_CONFIG_JSON: JSON.stringify({
          server: { shutdownGraceMs: 1000 },
        }),
      },
      (stdout, kill) => {
        if (!signalled && stdout.includes('"listening"')) {
          signalled = true;
          kill();
        }
      },
    );
    expect(exit.code).toBe(0);
    const lines = exit.stdout.trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown, line).not.toThrow();
    const messages = lines.map((line) => (JSON.parse(line) as { msg: string }).msg);
    expect(messages).toContain('listening');
    expect(messages).toContain('stopped');
    expect(exit.stdout + exit.stderr).not.toContain(SECRET);
  });
});
