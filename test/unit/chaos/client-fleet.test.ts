// The chaos fleet's books against a local server: retried answers end acknowledged once, refusals
// and partial successes are named, what is still unacknowledged when the drain runs out is dropped
// at shutdown, and recorded = acknowledged + lost + pending throughout.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ClientFleet } from '../../../src/chaos/client-fleet.js';
import { ledgerBalances } from '../../../src/load/sample-ledger.js';
import { encodeExportMetricsServiceResponse } from '../../../src/otlp/index.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

type Answer = 'ok' | 'partial' | 'refused' | 'unavailable' | 'hang-up';

async function serve(answers: readonly Answer[]) {
  const given = new Map<Answer, number>();
  let n = 0;
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const answer = answers[n++ % answers.length]!;
      given.set(answer, (given.get(answer) ?? 0) + 1);
      if (answer === 'hang-up') return void res.socket?.destroy();
      if (answer === 'partial') {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        return void res.end(
          encodeExportMetricsServiceResponse({
            partialSuccess: { rejectedDataPoints: 1, errorMessage: 'no' },
          }),
        );
      }
      res.writeHead({ ok: 200, refused: 400, unavailable: 503 }[answer]);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;
  return { url, count: (answer: Answer) => given.get(answer) ?? 0 };
}

const SAMPLES = 3;
const fleet = (url: string, sessions: number) =>
  new ClientFleet({
    gatewayUrl: () => url,
    token: () => 'token',
    sessions,
    version: 'unit',
    exportIntervalMs: 50,
    windowMs: 1000,
    samplesPerExport: SAMPLES,
    retryDelayMs: 10,
  });

describe('ClientFleet books', () => {
  it('acknowledges retried exports once and names refusals and partial successes', async () => {
    // One session sends one export at a time, so every retry gets the answer after its attempt's.
    const { url, count } = await serve(['ok', 'hang-up', 'ok', 'unavailable', 'partial', 'refused']);
    const clients = fleet(url, 1);
    clients.start();
    await new Promise((resolve) => setTimeout(resolve, 800));
    const mid = clients.snapshot().ledger;
    expect(ledgerBalances(mid)).toBe(true);
    const totals = await clients.stop(10_000);
    const { ledger } = totals;
    expect(ledgerBalances(ledger)).toBe(true);
    expect(ledger.pending).toBe(0);
    expect(ledger.recorded).toBeGreaterThan(0);
    // One sample-carrying point per export: a partial success rejects all of it.
    expect(ledger.acknowledged.accepted).toBe(count('ok') * SAMPLES);
    expect(ledger.acknowledged.rejected).toBe(count('partial') * SAMPLES);
    expect(ledger.lost.refused).toBe(count('refused') * SAMPLES);
    expect(ledger.lost.total).toBe(ledger.lost.refused);
    expect(totals.rejectedSamples).toBe((count('partial') + count('refused')) * SAMPLES);
    expect(totals.lostSamples).toBe(0);
    expect(totals.retries).toBe(count('unavailable') + count('hang-up'));
    // Retries after a hang-up may be the gateway's duplicates; after a 503 they are not.
    expect(count('hang-up')).toBeGreaterThan(0);
    expect(ledger.acknowledged.afterUnknownOutcome).toBe(count('hang-up') * SAMPLES);
  });

  it('drops what is still unacknowledged when the drain runs out', async () => {
    const { url } = await serve(['unavailable']);
    const clients = fleet(url, 4);
    clients.start();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const totals = await clients.stop(200);
    expect(totals.recordedSamples).toBeGreaterThan(0);
    expect(totals.ledger.lost['dropped-at-shutdown']).toBe(totals.recordedSamples);
    expect(totals.lostSamples).toBe(totals.recordedSamples);
    expect(totals.acknowledgedSamples).toBe(0);
    expect(ledgerBalances(totals.ledger)).toBe(true);
  });
});
