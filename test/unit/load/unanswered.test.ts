// Which unanswered attempts may still have been counted, judged on the errors node:http and fetch
// really raise: a refused connection never carried the request, a hang-up after it was sent may have.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { mayHaveBeenCounted } from '../../../src/load/unanswered.js';

/** A loopback port with nothing listening (it was just free). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function httpError(url: string): Promise<unknown> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'POST' }, (res) => res.resume());
    req.on('error', resolve);
    req.end('x');
  });
}

describe('mayHaveBeenCounted', () => {
  it('is false for a refused connection, from node:http and from fetch', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/v1/metrics`;
    expect(mayHaveBeenCounted(await httpError(url))).toBe(false);
    const fetchError = await fetch(url, { method: 'POST', body: 'x' }).catch((error: unknown) => error);
    expect(mayHaveBeenCounted(fetchError)).toBe(false);
  });

  it('is true when the server hung up after reading the request, and for errors without a code', async () => {
    const server = createServer((req) => req.on('end', () => req.socket.destroy()).resume());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/metrics`;
    expect(mayHaveBeenCounted(await httpError(url))).toBe(true);
    const fetchError = await fetch(url, { method: 'POST', body: 'x' }).catch((error: unknown) => error);
    expect(mayHaveBeenCounted(fetchError)).toBe(true);
    server.close();
    expect(mayHaveBeenCounted(new Error('timeout after 10000 ms'))).toBe(true);
  });
});
