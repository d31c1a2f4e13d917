// Helpers for the gateway-pipeline integration tests: send watchdog-shaped requests to a real
// gateway, read its self-metrics, and read totals from real Prometheus only once they are fresh.

import type { Stack } from '../../src/stack/index.js';
import type { ExportMetricsServiceRequest } from '../../src/otlp/index.js';
import { encodeExportMetricsServiceRequest } from '../../src/otlp/index.js';

export interface PostResult {
  status: number;
  body: string;
}

/** POSTs already-encoded protobuf bytes (so a retry is byte-identical). */
export async function postBytes(gatewayUrl: string, token: string, bytes: Uint8Array): Promise<PostResult> {
  const response = await fetch(`${gatewayUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${token}` },
    body: bytes,
  });
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()).toString('latin1') };
}

export async function postRequest(
  gatewayUrl: string,
  token: string,
  request: ExportMetricsServiceRequest,
): Promise<PostResult> {
  const result = await postBytes(gatewayUrl, token, encodeExportMetricsServiceRequest(request));
  if (result.status !== 200) throw new Error(`gateway answered ${result.status}: ${result.body}`);
  return result;
}

/** Sum of every sample of a metric family in a gateway's /metrics (all label sets). */
export async function gatewayMetric(gatewayUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name} `) || line.startsWith(`${name}{`))
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

export async function promSum(stack: Stack, promql: string): Promise<number> {
  const result = await stack.queryPrometheus(`sum(${promql})`);
  return result.length === 0 ? 0 : Number(result[0]?.value[1]);
}

/**
 * Waits until every series of `selector` carries a sample exported after `sinceMs` (so it reflects
 * everything the gateways had acknowledged by then), and returns the sum over the series.
 */
export async function freshSum(
  stack: Stack,
  selector: string,
  sinceMs: number,
  what: string,
): Promise<number> {
  const since = (sinceMs / 1000).toFixed(3);
  return stack.waitFor(
    async () => {
      const all = await promSum(stack, `count(${selector})`);
      const fresh = await promSum(stack, `count(timestamp(${selector}) > ${since})`);
      return all > 0 && all === fresh ? promSum(stack, selector) : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 500, what },
  );
}

/**
 * freshSum of what the gateways hold now, read from an export at least `flushes` flush intervals
 * later: a new series is exported at zero first and with its totals only from the next flush on.
 */
export async function settledSum(
  stack: Stack,
  selector: string,
  flushIntervalMs: number,
  what: string,
  flushes = 2,
): Promise<number> {
  return freshSum(stack, selector, Date.now() + flushes * flushIntervalMs + flushIntervalMs / 2, what);
}

/** Lets the exporting gateways flush at least once more and Prometheus receive it. */
export async function settle(stack: Stack, selector: string, what: string): Promise<number> {
  return freshSum(stack, selector, Date.now(), what);
}

/**
 * Short session windows for the integration tests: a point that starts in a window which ended
 * more than the grace ago is counted at the gateways' next housekeeping.
 */
export const TEST_WINDOWS = { windowSeconds: 10, windowGraceSeconds: 1 } as const;

const NS_PER_MS = 1_000_000n;

/** Start (ns) of the TEST_WINDOWS window `windowsAgo` windows before the current one (due at once). */
export function pastWindowNs(windowsAgo = 4): bigint {
  const windowMs = BigInt(TEST_WINDOWS.windowSeconds * 1000);
  return (BigInt(Date.now()) / windowMs - BigInt(windowsAgo)) * windowMs * NS_PER_MS;
}

/**
 * Start (ns) of the next TEST_WINDOWS window: points sent there (in the future, within the allowed
 * clock skew) stay in one open window for at least a whole window length, then it is counted.
 */
export function nextWindowNs(): bigint {
  return pastWindowNs(-1);
}
