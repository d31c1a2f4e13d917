// The load driver's sample ledger against a local server that answers with every kind of outcome:
// each due export's samples end acknowledged (split by partial success) or lost for the cause its
// answer names, and the books balance, with nothing pending once the run returned.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { lossCause, runLoad } from '../../../src/load/driver.js';
import { ledgerBalances } from '../../../src/load/sample-ledger.js';
import { encodeExportMetricsServiceResponse } from '../../../src/otlp/index.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

type Answer = 'ok' | 'partial' | 'throttled' | 'refused' | 'error' | 'hang-up';

/** Answers request n with answers[n % length]; `delayMs` before each answer. */
async function serve(answers: readonly Answer[], delayMs = 0) {
  const given = new Map<Answer, number>();
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const n = [...given.values()].reduce((a, b) => a + b, 0);
      const answer = answers[n % answers.length]!;
      given.set(answer, (given.get(answer) ?? 0) + 1);
      setTimeout(() => {
        if (answer === 'hang-up') return res.socket?.destroy();
        if (answer === 'partial') {
          const body = encodeExportMetricsServiceResponse({
            partialSuccess: { rejectedDataPoints: 1, errorMessage: 'one point refused' },
          });
          res.writeHead(200, { 'content-type': 'application/x-protobuf' });
          return res.end(body);
        }
        const status = { ok: 200, throttled: 429, refused: 400, error: 500 }[answer];
        res.writeHead(status);
        res.end();
      }, delayMs);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, given };
}

const SAMPLES = 4;

describe('load driver sample ledger', () => {
  it('puts every recorded sample in acknowledged or a named loss, as the answers say', async () => {
    const answers: Answer[] = ['ok', 'partial', 'throttled', 'refused', 'error', 'hang-up', 'ok'];
    const { url, given } = await serve(answers);
    const result = await runLoad({
      mode: 'ingest',
      url,
      tokenFor: () => 'token',
      sessions: 10,
      durationMs: 1500,
      exportIntervalMs: 200,
      samplesPerExport: SAMPLES,
      seed: 7,
    });
    const { samples: ledger, total } = result;
    expect(ledgerBalances(ledger)).toBe(true);
    expect(ledger.pending).toBe(0);
    expect(ledger.recorded).toBe((total.requests + total.skipped) * SAMPLES);
    expect(total.requests).toBeGreaterThanOrEqual(answers.length);
    const count = (answer: Answer) => given.get(answer) ?? 0;
    expect(ledger.acknowledged.total).toBe((count('ok') + count('partial')) * SAMPLES);
    // A partial success rejects one point: a one-stage export entirely, a two-stage one in part.
    expect(ledger.acknowledged.accepted).toBe(count('ok') * SAMPLES);
    expect(ledger.acknowledged.rejected + ledger.acknowledged.partlyRejected).toBe(
      count('partial') * SAMPLES,
    );
    expect(ledger.points.rejected).toBe(count('partial'));
    expect(ledger.lost).toMatchObject({
      throttled: count('throttled') * SAMPLES,
      refused: count('refused') * SAMPLES,
      failed: (count('error') + count('hang-up')) * SAMPLES,
      skipped: 0,
      'gave-up': 0,
      'dropped-at-shutdown': 0,
    });
  });

  it('counts exports beyond its in-flight cap as skipped, never sent', async () => {
    const { url, given } = await serve(['ok'], 300);
    const result = await runLoad({
      mode: 'ingest',
      url,
      tokenFor: () => 'token',
      sessions: 20,
      durationMs: 600,
      exportIntervalMs: 100,
      samplesPerExport: SAMPLES,
      maxInFlight: 2,
    });
    const { samples: ledger, total } = result;
    expect(ledgerBalances(ledger)).toBe(true);
    expect(total.skipped).toBeGreaterThan(0);
    expect(ledger.lost.skipped).toBe(total.skipped * SAMPLES);
    expect(ledger.acknowledged.total).toBe((given.get('ok') ?? 0) * SAMPLES);
    expect(ledger.pending).toBe(0);
  });
});

describe('lossCause', () => {
  it('names why an unanswered or non-2xx export is lost (the driver never retries)', () => {
    expect(lossCause('network')).toBe('failed');
    expect(lossCause(429)).toBe('throttled');
    expect(lossCause(503)).toBe('throttled');
    expect(lossCause(400)).toBe('refused');
    expect(lossCause(401)).toBe('refused');
    expect(lossCause(413)).toBe('refused');
    expect(lossCause(500)).toBe('failed');
  });
});
