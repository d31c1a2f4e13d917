import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoPath, startStack, type Stack } from '../../src/stack/index.js';
import { CPU_BUCKETS } from '../../src/model/index.js';
import { otelPython, recipePath, runClient, type ClientRun } from '../clients/run-client.js';

// Issue #21: standard OpenTelemetry SDKs as real external clients of the real stack. The recipes of
// docs/clients.md run as written and their samples are counted exactly in Prometheus; each mistake a
// new Python SDK user makes is answered with a message that names the fix, visible in the SDK's log.

const CLIENT_TIMEOUT_MS = 60_000;
const RECIPE_ENV = { FILESFU_RUN_SECONDS: '4', FILESFU_EXPORT_INTERVAL_MS: '1500' };

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    prometheusIntervalSeconds: 1,
    gatewayConfig: { pipeline: { export: { flushIntervalMs: 1000 } } },
  });
});

afterAll(async () => {
  await stack?.stop();
});

function clientEnv(installId: string, version: string): Record<string, string> {
  return {
    FILESFU_ENDPOINT: stack.gatewayUrl,
    FILESFU_TOKEN: stack.mintToken(installId),
    FILESFU_INSTALL_ID: installId,
    FILESFU_APP_VERSION: version,
  };
}

async function scalar(promql: string): Promise<number | undefined> {
  const [sample] = await stack.queryPrometheus(promql);
  return sample === undefined ? undefined : Number(sample.value[1]);
}

/**
 * The samples Prometheus holds for `version`. The gateway forwards a cumulative histogram whose
 * series start with this test (unique version): its latest value is the exact count as long as it
 * never reset, which the query checks (a reset would make the count unknown, not smaller).
 */
async function countedSamples(version: string, expected: number): Promise<number | undefined> {
  const selector = `process_cpu_utilization_count{version="${version}"}`;
  return stack
    .waitFor(
      async () => {
        const resets = await scalar(`sum(resets(${selector}[10m]))`);
        const count = await scalar(`sum(${selector})`);
        if (resets !== 0 || count === undefined) return undefined;
        return count === expected ? count : undefined;
      },
      { timeoutMs: 30_000 },
    )
    .catch(async () => scalar(`sum(${selector})`));
}

function describeRun(run: ClientRun): string {
  return `exit ${run.code}\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`;
}

/** The fenced block that follows `marker` in docs/clients.md. */
function docsBlock(marker: string): string {
  const doc = readFileSync(repoPath('docs', 'clients.md'), 'utf8');
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/clients.md has no "${marker}"`);
  const open = doc.indexOf('```', at);
  const start = doc.indexOf('\n', open) + 1;
  return doc.slice(start, doc.indexOf('\n```', start) + 1);
}

describe('client recipes of docs/clients.md, run against the real stack', () => {
  it('docs/clients.md shows the recipes that run here, verbatim', () => {
    expect(docsBlock('<!-- recipe: test/clients/python_recipe.py -->')).toBe(
      readFileSync(recipePath('python_recipe.py'), 'utf8'),
    );
    expect(docsBlock('<!-- recipe: test/clients/js-recipe.mjs -->')).toBe(
      readFileSync(recipePath('js-recipe.mjs'), 'utf8'),
    );
  });

  it('the Python SDK recipe: every recorded sample is counted in Prometheus', async () => {
    const version = `21.0.0-py-${randomUUID().slice(0, 8)}`;
    const run = await runClient(
      otelPython(),
      [recipePath('python_recipe.py')],
      { ...clientEnv('install-python-recipe', version), ...RECIPE_ENV },
      CLIENT_TIMEOUT_MS,
    );
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).not.toMatch(/Failed to export/);
    expect(run.recordedSamples).toBeGreaterThanOrEqual(3);
    expect(await countedSamples(version, run.recordedSamples!)).toBe(run.recordedSamples);
  });

  it('the JS SDK recipe (Node): every recorded sample is counted in Prometheus', async () => {
    const version = `21.0.0-js-${randomUUID().slice(0, 8)}`;
    const run = await runClient(
      process.execPath,
      [recipePath('js-recipe.mjs')],
      { ...clientEnv('install-js-recipe', version), ...RECIPE_ENV },
      CLIENT_TIMEOUT_MS,
    );
    expect(run.code, describeRun(run)).toBe(0);
    expect(run.stderr, describeRun(run)).not.toMatch(/export failed|partly rejected/);
    expect(run.recordedSamples).toBeGreaterThanOrEqual(3);
    expect(await countedSamples(version, run.recordedSamples!)).toBe(run.recordedSamples);
  });
});

describe('a new Python SDK user: the first failed export says what to change', () => {
  const bounds = `[${CPU_BUCKETS.join(', ')}]`;
  const temporalityFix = 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta';
  const bucketsFix = `explicit_bucket_boundaries_advisory=${bounds}`;

  async function makeMistake(mistake: string, installId: string): Promise<ClientRun> {
    const run = await runClient(
      otelPython(),
      [recipePath('python_misconfigured.py')],
      { ...clientEnv(installId, `21.0.0-${mistake}`), FILESFU_MISTAKE: mistake },
      CLIENT_TIMEOUT_MS,
    );
    expect(run.code, describeRun(run)).toBe(0);
    return run;
  }

  /** What the SDK logged for the refused export (Python logs the HTTP reason phrase). */
  function loggedRefusal(run: ClientRun, status: number): string {
    const line = run.stderr.split('\n').find((l) => l.includes('Failed to export metrics batch'));
    expect(line, describeRun(run)).toBeDefined();
    expect(line).toContain(`code: ${status}, reason: `);
    return line!;
  }

  it('SDK defaults (CUMULATIVE, default buckets, no resource attributes): every fix at once', async () => {
    const installId = 'install-defaults';
    // The Python SDK defaults service.instance.id to a random UUID: another install's id, so 403,
    // with every other problem of the request in the same answer.
    const logged = loggedRefusal(await makeMistake('default', installId), 403);
    expect(logged).toContain(`Set service.instance.id=${installId} on the Resource`);
    expect(logged).toContain('expected resource attribute session.id');
    expect(logged).toContain('expected resource attribute service.version');
    expect(logged).toContain('expected resource attribute os.type');
    expect(logged).toContain(temporalityFix);
    expect(logged).toContain(bucketsFix);
  });

  it.each([
    ['cumulative', 400, [temporalityFix, 'got CUMULATIVE']],
    ['default_buckets', 400, [bucketsFix, 'ExplicitBucketHistogramAggregation', 'got bounds [0, 5, 10']],
    ['no_session_id', 400, ['expected resource attribute session.id', 'str(uuid.uuid4())']],
    [
      'wrong_install',
      403,
      ['service.instance.id must be the install id this token was issued for', '"someone-elses-install"'],
    ],
  ] as const)('%s: HTTP %i and the log names the fix', async (mistake, status, fixes) => {
    const logged = loggedRefusal(await makeMistake(mistake, `install-${mistake.replace('_', '-')}`), status);
    for (const fix of fixes) expect(logged).toContain(fix);
  });

  it('extra metrics are ignored, not errors: no failed export, the CPU samples are counted', async () => {
    const ignoredBefore = await gatewayCounter('filesfu_gateway_datapoints_ignored_total');
    const run = await makeMistake('extra_metrics', 'install-extra-metrics');
    expect(run.stderr, describeRun(run)).not.toMatch(/Failed to export/);
    expect(await countedSamples('21.0.0-extra_metrics', run.recordedSamples!)).toBe(run.recordedSamples);
    expect(await gatewayCounter('filesfu_gateway_datapoints_ignored_total')).toBe(ignoredBefore + 1);
  });

  it('tells the operator: rejected requests by reason, installs with rejections', async () => {
    expect(
      await gatewayCounter('filesfu_gateway_requests_rejected_total{reason="wrong_temporality"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(
      await gatewayCounter('filesfu_gateway_requests_rejected_total{reason="install_id_mismatch"}'),
    ).toBeGreaterThanOrEqual(2);
  });
});

/** A sample of the gateway's own /metrics (0 when absent). */
async function gatewayCounter(series: string): Promise<number> {
  const text = await (await fetch(`${stack.gatewayUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}
