// The benchmark's load generator, a separate process (forked by bench/gateway.ts) so that its CPU
// never counts against the server under test. It prepares every body first, then sends them over
// keep-alive connections at fixed concurrency, either as fast as possible or paced at a fixed rate.

import { Agent, request as httpRequest } from 'node:http';
import { buildPayload, type Payload, type PayloadOptions } from './gateway-payloads.js';

export interface LoadJob {
  url: string;
  payload: PayloadOptions;
  requests: number;
  concurrency: number;
  /** Requests per second; undefined = as fast as possible. */
  pacedRate?: number;
}

export type LoadMessage =
  | { type: 'started' }
  | {
      type: 'done';
      elapsedMs: number;
      points: number;
      statuses: Record<string, number>;
      latenciesMs: number[];
    };

function send(url: URL, agent: Agent, payload: Payload): Promise<number> {
  return new Promise((resolve) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        agent,
        headers: { ...payload.headers, 'content-length': payload.body.length },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', () => resolve(-1));
    req.end(payload.body);
  });
}

async function run(job: LoadJob): Promise<void> {
  const payloads = Array.from({ length: job.requests }, (_, i) => buildPayload(job.payload, i));
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.concurrency });
  // Warm the connections so the timed window does not include TCP handshakes.
  await Promise.all(
    Array.from({ length: job.concurrency }, () =>
      send(url, agent, {
        body: Buffer.alloc(0),
        headers: { 'content-type': 'application/x-protobuf' },
        points: 0,
      }),
    ),
  );
  const statuses: Record<string, number> = {};
  const latenciesMs: number[] = [];
  let next = 0;
  let points = 0;
  process.send?.({ type: 'started' } satisfies LoadMessage);
  const start = performance.now();
  const worker = async (): Promise<void> => {
    for (;;) {
      const index = next++;
      const payload = payloads[index];
      if (payload === undefined) return;
      if (job.pacedRate !== undefined) {
        const due = start + (index * 1000) / job.pacedRate;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      }
      const sentAt = performance.now();
      const status = await send(url, agent, payload);
      latenciesMs.push(performance.now() - sentAt);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status === 200) points += payload.points;
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsedMs = performance.now() - start;
  agent.destroy();
  const done: LoadMessage = { type: 'done', elapsedMs, points, statuses, latenciesMs };
  // Disconnect only once the message is written: 'done' carries every latency, and the channel
  // closed under it would leave the runner waiting for a message that never comes.
  await new Promise<void>((resolve, reject) => {
    if (process.send === undefined) resolve();
    else process.send(done, (error: Error | null) => (error ? reject(error) : resolve()));
  });
}

process.on('message', (job: LoadJob) => {
  run(job).then(
    () => process.disconnect(),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
