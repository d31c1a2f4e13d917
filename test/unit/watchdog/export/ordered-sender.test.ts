import { describe, expect, it } from 'vitest';
import { encodeExportMetricsServiceResponse } from '../../../../src/otlp/index.js';
import { OrderedSender, type PostResult } from '../../../../src/watchdog/export/index.js';
import { MemorySpool } from '../../../../src/watchdog/spool/index.js';

const ok: PostResult = {
  kind: 'response',
  status: 200,
  retryAfter: null,
  contentType: '',
  body: new Uint8Array(),
};
const status = (code: number, retryAfter: string | null = null): PostResult => ({
  ...ok,
  status: code,
  retryAfter,
});

/** A scripted gateway: answers from `script` in order (then 200), records the bodies and concurrency. */
function fakeGateway(script: PostResult[]) {
  const attempts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const post = async (payload: Uint8Array): Promise<PostResult> => {
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    attempts.push(payload[0] ?? -1);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    return script.shift() ?? ok;
  };
  return { post, attempts, maxInFlight: () => maxInFlight };
}

function setup(script: PostResult[], gate?: () => Promise<void>) {
  const spool = new MemorySpool({ maxBytes: 1e6, maxAgeMs: 1e9 });
  const gateway = fakeGateway(script);
  const delays: number[] = [];
  const sender = new OrderedSender({
    spool,
    post: gateway.post,
    retry: { baseDelayMs: 1000, maxDelayMs: 8000, maxRetryAfterMs: 60_000 },
    random: () => 1,
    ...(gate ? { gate } : {}),
    delay: (ms) => {
      delays.push(ms);
      return Promise.resolve();
    },
  });
  const enqueue = async (...markers: number[]) => {
    for (const marker of markers) await spool.append(new Uint8Array([marker]));
    sender.wake();
  };
  return { spool, sender, gateway, delays, enqueue };
}

describe('OrderedSender', () => {
  it('sends entries in order, one at a time, and removes them after 2xx', async () => {
    const { spool, sender, gateway, enqueue } = setup([]);
    sender.start();
    await enqueue(1, 2, 3, 4, 5);
    expect(await sender.drain(5000)).toBe(true);
    expect(gateway.attempts).toEqual([1, 2, 3, 4, 5]);
    expect(gateway.maxInFlight()).toBe(1);
    expect(spool.backlog().entries).toBe(0);
    await sender.stop();
  });

  it('retries the SAME entry after 429/503 with the Retry-After delay, keeping order', async () => {
    const { sender, gateway, delays, enqueue } = setup([status(429, '3'), status(503, '7')]);
    sender.start();
    await enqueue(1, 2);
    expect(await sender.drain(5000)).toBe(true);
    expect(gateway.attempts).toEqual([1, 1, 1, 2]);
    expect(delays).toEqual([3000, 7000]);
    await sender.stop();
  });

  it('backs off exponentially on 5xx and network errors, then recovers', async () => {
    const { sender, gateway, delays, enqueue } = setup([
      status(500),
      { kind: 'network-error', error: new Error('ECONNREFUSED') },
      status(502),
      status(504),
      status(500),
    ]);
    sender.start();
    await enqueue(9);
    expect(await sender.drain(5000)).toBe(true);
    expect(gateway.attempts).toEqual([9, 9, 9, 9, 9, 9]);
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    expect(sender.stats.retries).toBe(5);
    await sender.stop();
  });

  it('dead-letters permanent errors and moves on to the next entry', async () => {
    const { spool, sender, gateway, delays, enqueue } = setup([
      status(400),
      status(401),
      status(413),
      status(415),
    ]);
    sender.start();
    await enqueue(1, 2, 3, 4, 5);
    expect(await sender.drain(5000)).toBe(true);
    expect(gateway.attempts).toEqual([1, 2, 3, 4, 5]);
    expect(delays).toEqual([]);
    expect(spool.stats.deadLettered).toBe(4);
    expect(spool.stats.delivered).toBe(1);
    await sender.stop();
  });

  it('counts a 200 with partial_success as delivered and records the rejected points', async () => {
    const body = encodeExportMetricsServiceResponse({
      partialSuccess: { rejectedDataPoints: 3, errorMessage: 'stage too long' },
    });
    const { spool, sender, enqueue } = setup([{ ...ok, contentType: 'application/x-protobuf', body }]);
    sender.start();
    await enqueue(1);
    expect(await sender.drain(5000)).toBe(true);
    expect(spool.stats.delivered).toBe(1);
    expect(sender.stats.rejectedDataPoints).toBe(3);
    await sender.stop();
  });

  it('waits for the gate before the first send', async () => {
    let open: () => void = () => {};
    const gate = new Promise<void>((resolve) => (open = resolve));
    const { sender: gated, gateway, enqueue } = setup([], () => gate);
    gated.start();
    await enqueue(1);
    expect(await gated.drain(50)).toBe(false);
    expect(gateway.attempts).toEqual([]);
    open();
    expect(await gated.drain(5000)).toBe(true);
    expect(gateway.attempts).toEqual([1]);
    await gated.stop();
  });

  it('stop() returns while the replay consent is still pending', async () => {
    const { sender, gateway, enqueue } = setup([], () => new Promise<void>(() => {}));
    sender.start();
    await enqueue(1);
    await sender.stop();
    expect(gateway.attempts).toEqual([]);
  });

  it('stop() returns promptly even during a long backoff; unsent entries stay queued', async () => {
    const spool = new MemorySpool({ maxBytes: 1e6, maxAgeMs: 1e9 });
    const sender = new OrderedSender({
      spool,
      post: () => Promise.resolve(status(503, '3600')),
      retry: { maxRetryAfterMs: 3_600_000 },
    });
    await spool.append(new Uint8Array([1]));
    sender.start();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await sender.stop();
    expect(spool.backlog().entries).toBe(1);
  });
});
