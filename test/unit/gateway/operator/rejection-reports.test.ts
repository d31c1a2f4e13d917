import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogLevel } from '../../../../src/gateway/http/json-log.js';
import {
  RejectionReporter,
  REJECTION_SUMMARY_INTERVAL_SECONDS,
  SUMMARY_BOUNDS,
  type SummaryBounds,
} from '../../../../src/gateway/operator/index.js';
import type { IngestOutcome } from '../../../../src/gateway/pipeline/index.js';

function outcome(rejected: number, reasons: Array<[string, number]>, accepted = 0): IngestOutcome {
  return {
    acceptedDataPoints: accepted,
    rejectedDataPoints: rejected,
    duplicateDataPoints: 0,
    errorMessage: rejected > 0 ? 'the message to the client' : '',
    invalidRequest: rejected > 0 && accepted === 0,
    rejectionReasons: reasons,
  };
}

const reporters: RejectionReporter[] = [];
afterEach(() => {
  for (const reporter of reporters.splice(0)) reporter.close();
});

function setup(bounds: Partial<SummaryBounds> = {}) {
  const lines: Array<{ level: LogLevel; msg: string; fields?: Record<string, unknown> }> = [];
  const registry = new Registry();
  const reporter = new RejectionReporter(
    registry,
    (level, msg, fields) => lines.push({ level, msg, fields }),
    { ...SUMMARY_BOUNDS, ...bounds },
  );
  reporters.push(reporter);
  return { lines, registry, reporter };
}

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const sample = (metric?.values ?? []).find((v) =>
    Object.entries(labels).every(([k, l]) => (v.labels as Record<string, unknown>)[k] === l),
  );
  return Number(sample?.value ?? 0);
}

describe('RejectionReporter', () => {
  it('summarises per install once per interval: install id, reasons, counts; nothing else', async () => {
    const { lines, registry, reporter } = setup();
    reporter.record(
      'install-a',
      outcome(3, [
        ['wrong_temporality', 3],
        ['incompatible_buckets', 3],
      ]),
    );
    reporter.record('install-a', outcome(2, [['wrong_temporality', 2]]));
    reporter.record('install-b', outcome(1, [['missing_session_id', 1]], 4));
    reporter.record('install-c', outcome(0, []));
    expect(lines).toEqual([]);
    reporter.summarize();
    expect(lines.map((l) => l.fields)).toEqual([
      {
        installId: 'install-a',
        intervalSeconds: REJECTION_SUMMARY_INTERVAL_SECONDS,
        requests: 2,
        refusedRequests: 2,
        rejectedDataPoints: 5,
        reasons: { wrong_temporality: 5, incompatible_buckets: 3 },
      },
      {
        installId: 'install-b',
        intervalSeconds: REJECTION_SUMMARY_INTERVAL_SECONDS,
        requests: 1,
        refusedRequests: 0,
        rejectedDataPoints: 1,
        reasons: { missing_session_id: 1 },
      },
    ]);
    expect(JSON.stringify(lines)).not.toContain('the message to the client');
    expect(await value(registry, 'filesfu_gateway_installs_rejected')).toBe(2);
    expect(
      await value(registry, 'filesfu_gateway_requests_rejected_total', { reason: 'wrong_temporality' }),
    ).toBe(2);
    reporter.summarize();
    expect(await value(registry, 'filesfu_gateway_installs_rejected')).toBe(0);
  });

  it('names at most maxInstallsPerSummary installs and totals the rest', async () => {
    const { lines, registry, reporter } = setup({ maxInstallsPerSummary: 2, maxTrackedInstalls: 3 });
    for (let i = 1; i <= 5; i++) reporter.record(`install-${i}`, outcome(i, [['nan_value', i]]));
    reporter.summarize();
    expect(lines.map((l) => l.fields?.['installId'])).toEqual(['install-3', 'install-2', undefined]);
    expect(lines[2]?.fields).toMatchObject({ installs: 3 });
    expect(await value(registry, 'filesfu_gateway_installs_rejected')).toBe(5);
  });

  it('counts ignored points of unused metrics', async () => {
    const { registry, reporter } = setup();
    reporter.record('install-a', { ...outcome(0, [], 2), ignoredDataPoints: 7 });
    expect(await value(registry, 'filesfu_gateway_datapoints_ignored_total')).toBe(7);
  });
});
