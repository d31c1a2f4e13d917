import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports we hand to child processes are chosen *below* the kernel's ephemeral range. A port the OS
 * picks from port 0 lies inside that range, so between our probe and the child's bind any outgoing
 * connection (the collector to Prometheus, a test's HTTP client) may be given it as its local port:
 * CI saw `EADDRINUSE` that way. Below the range only another explicit bind can take it.
 */
const FALLBACK_EPHEMERAL_START = 32768;
const LOWEST_PORT = 10_000;
const ATTEMPTS = 200;

/** Handed out by this process already; never hand a port out twice while the first user may still bind it. */
const handedOut = new Set<number>();

/** A TCP port on `host` that was free a moment ago and that the kernel will not give to outgoing connections. */
export async function freePort(host = '127.0.0.1'): Promise<number> {
  const highest = ephemeralRangeStart() - 1;
  if (highest - LOWEST_PORT >= ATTEMPTS) {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const candidate = LOWEST_PORT + Math.floor(Math.random() * (highest - LOWEST_PORT + 1));
      if (handedOut.has(candidate)) continue;
      if (await canListen(candidate, host)) {
        handedOut.add(candidate);
        return candidate;
      }
    }
  }
  // A tuned-down ephemeral range leaves no room below it: let the OS choose.
  return osChosenPort(host);
}

/**
 * `requested` when given (non-zero) and free, else a free port. A taken fixed port fails here:
 * otherwise whatever already listens there (a second stack, a system Prometheus on 9090) would
 * answer our readiness probe while our own child died of EADDRINUSE.
 */
export async function portOrFree(requested: number | undefined, host = '127.0.0.1'): Promise<number> {
  if (!requested || requested <= 0) return freePort(host);
  if (!(await canListen(requested, host))) {
    throw new Error(
      `port ${requested} on ${host} is already taken (another stack or service listens there); choose another port`,
    );
  }
  return requested;
}

/** True when a start-up failure was a port taken between our probe and the child's bind. */
export function isAddressInUse(error: unknown): boolean {
  return /EADDRINUSE|address already in use/i.test(error instanceof Error ? error.message : String(error));
}

function ephemeralRangeStart(): number {
  try {
    const [start] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/);
    const parsed = Number(start);
    return Number.isInteger(parsed) && parsed > 0 ? parsed : FALLBACK_EPHEMERAL_START;
  } catch {
    return FALLBACK_EPHEMERAL_START;
  }
}

function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function osChosenPort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('could not allocate a free port'))));
    });
  });
}
