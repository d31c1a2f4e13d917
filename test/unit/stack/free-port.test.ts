import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { freePort, isAddressInUse, portOrFree } from '../../../src/stack/free-port.js';

function ephemeralStart(): number {
  return Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
}

describe('freePort', () => {
  it('chooses ports below the ephemeral range that outgoing connections draw from', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    for (const port of ports) expect(port).toBeLessThan(ephemeralStart());
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('hands out a port that can be bound', async () => {
    const port = await freePort();
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    await new Promise((resolve) => server.close(resolve));
  });
});

describe('portOrFree', () => {
  it('keeps a free fixed port and refuses a taken one with a clear message', async () => {
    const port = await freePort();
    expect(await portOrFree(port)).toBe(port);
    const holder = createServer();
    await new Promise<void>((resolve) => holder.listen(port, '127.0.0.1', resolve));
    try {
      await expect(portOrFree(port)).rejects.toThrow(`port ${port} on 127.0.0.1 is already taken`);
    } finally {
      await new Promise((resolve) => holder.close(resolve));
    }
    expect(await portOrFree(undefined)).toBeGreaterThan(0);
  });
});

describe('isAddressInUse', () => {
  it('recognises the messages of Node, Go and Redis children', () => {
    expect(isAddressInUse(new Error('listen EADDRINUSE: address already in use 127.0.0.1:1'))).toBe(true);
    expect(isAddressInUse(new Error('listen tcp 127.0.0.1:9: bind: address already in use'))).toBe(true);
    expect(
      isAddressInUse(new Error('Could not create server TCP listening socket: Address already in use')),
    ).toBe(true);
    expect(isAddressInUse(new Error('config invalid'))).toBe(false);
  });
});
