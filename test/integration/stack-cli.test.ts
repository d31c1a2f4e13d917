import { spawn, execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { freePort, queryInstant, repoPath, waitFor } from '../../src/stack/index.js';

// Issue #2 "tried as a new user": `npm run stack`, then one hand-written OTLP/JSON request sent with
// curl (scripts/send-example-request.sh) appears in Prometheus; SIGTERM stops everything, no orphans.

const run = promisify(execFile);

/** The number of CPU samples docs/examples/otlp-request.json carries. */
function exampleSampleCount(): number {
  const example = JSON.parse(readFileSync(repoPath('docs', 'examples', 'otlp-request.json'), 'utf8')) as {
    resourceMetrics: Array<{
      scopeMetrics: Array<{ metrics: Array<{ histogram: { dataPoints: Array<{ count: string }> } }> }>;
    }>;
  };
  return Number(example.resourceMetrics[0]?.scopeMetrics[0]?.metrics[0]?.histogram.dataPoints[0]?.count);
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm run stack', () => {
  it('serves a curl-sent OTLP/JSON request into Prometheus and stops cleanly on SIGTERM', async () => {
    const ports = {
      gateway: await freePort(),
      prometheus: await freePort(),
      collector: await freePort(),
      health: await freePort(),
      metrics: await freePort(),
    };
    const stack = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        repoPath('src', 'stack', 'main.ts'),
        `--gateway-port=${ports.gateway}`,
        `--prometheus-port=${ports.prometheus}`,
        `--collector-port=${ports.collector}`,
        `--collector-health-port=${ports.health}`,
        `--collector-metrics-port=${ports.metrics}`,
      ],
      { cwd: repoPath(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => stack.once('exit', resolve));

    try {
      const token = await waitFor(async () => /export TOKEN=(\S+)/.exec(output)?.[1], {
        timeoutMs: 120_000,
        what: 'the stack to print its banner',
      });
      expect(output).toContain(`http://127.0.0.1:${ports.gateway}`);
      expect(output).toContain(`http://127.0.0.1:${ports.prometheus}`);

      const { stdout } = await run('bash', [repoPath('scripts', 'send-example-request.sh')], {
        env: { ...process.env, TOKEN: token, GATEWAY: `http://127.0.0.1:${ports.gateway}` },
      });
      expect(JSON.parse(stdout)).not.toHaveProperty('partialSuccess.rejectedDataPoints');

      const prometheusUrl = `http://127.0.0.1:${ports.prometheus}`;
      // A new series reaches Prometheus at 0 first, then with its totals one gateway flush later.
      const samples = await waitFor(
        async () => {
          const found = await queryInstant(prometheusUrl, 'process_cpu_utilization_count{version="6.4.0"}');
          return found.some((sample) => Number(sample.value[1]) > 0) ? found : undefined;
        },
        { timeoutMs: 60_000, intervalMs: 1000, what: 'the example request in Prometheus' },
      );
      expect(samples[0]?.metric).toMatchObject({ version: '6.4.0', stage: 'indexing', os: 'linux' });
      expect(Number(samples[0]?.value[1])).toBe(exampleSampleCount());
    } finally {
      stack.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    for (const [name, port] of Object.entries(ports)) {
      expect(await portOpen(port), `${name} port ${port} still open after SIGTERM`).toBe(false);
    }
  });
});
