// One OTLP/HTTP protobuf POST. Transport only: what a response means is decided by retry-policy.ts.
import http from 'node:http';
import https from 'node:https';

export type PostResult =
  | { kind: 'response'; status: number; retryAfter: string | null; contentType: string; body: Uint8Array }
  | { kind: 'network-error'; error: unknown };

export type Poster = (payload: Uint8Array) => Promise<PostResult>;

export interface HttpPosterOptions {
  /** Full URL of the OTLP metrics endpoint (…/v1/metrics). */
  url: string;
  token?: string | undefined;
  timeoutMs: number;
  fetch?: typeof fetch;
  userAgent?: string;
}

/** `http://host:port` and `http://host:port/` mean the standard OTLP path. */
export function otlpMetricsUrl(endpoint: string): string {
  const url = new URL(endpoint);
  if (url.pathname === '' || url.pathname === '/') url.pathname = '/v1/metrics';
  return url.toString();
}

export function createHttpPoster(options: HttpPosterOptions): Poster {
  const headers: Record<string, string> = {
    'content-type': 'application/x-protobuf',
    'user-agent': options.userAgent ?? 'filesfu-watchdog',
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return options.fetch
    ? fetchPoster(options.url, headers, options.timeoutMs, options.fetch)
    : nodeHttpPoster(options.url, headers, options.timeoutMs);
}

function fetchPoster(
  url: string,
  headers: Record<string, string>,
  timeoutMs: number,
  doFetch: typeof fetch,
): Poster {
  return async (payload) => {
    try {
      const response = await doFetch(url, {
        method: 'POST',
        headers,
        body: payload,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const body = new Uint8Array(await response.arrayBuffer());
      return {
        kind: 'response',
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        contentType: response.headers.get('content-type') ?? '',
        body,
      };
    } catch (error) {
      return { kind: 'network-error', error };
    }
  };
}

/**
 * Sockets one process keeps to the gateway. A watchdog needs one (its sender has one request in
 * flight); the fleet simulator runs thousands of sessions in one process and must not open one socket
 * each (file descriptors), so all posters of a process share one keep-alive agent per protocol.
 */
export const MAX_SOCKETS_PER_PROCESS = 64;
const MAX_IDLE_SOCKETS_PER_PROCESS = 8;
let sharedAgents: { http: http.Agent; https: https.Agent } | undefined;

function sharedAgent(protocol: string): http.Agent {
  sharedAgents ??= {
    http: new http.Agent({
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_PROCESS,
      maxFreeSockets: MAX_IDLE_SOCKETS_PER_PROCESS,
    }),
    https: new https.Agent({
      keepAlive: true,
      maxSockets: MAX_SOCKETS_PER_PROCESS,
      maxFreeSockets: MAX_IDLE_SOCKETS_PER_PROCESS,
    }),
  };
  return protocol === 'https:' ? sharedAgents.https : sharedAgents.http;
}

// The default transport: node:http(s) with a keep-alive agent. Cheaper than the global fetch (undici)
// in CPU and resident memory, which matters for an always-on agent (bench:watchdog).
function nodeHttpPoster(url: string, headers: Record<string, string>, timeoutMs: number): Poster {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const agent = sharedAgent(target.protocol);
  return (payload) =>
    new Promise<PostResult>((resolve) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          agent,
          headers: { ...headers, 'content-length': String(payload.byteLength) },
          timeout: timeoutMs,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => resolve({ kind: 'network-error', error }));
          response.on('end', () =>
            resolve({
              kind: 'response',
              status: response.statusCode ?? 0,
              retryAfter: headerValue(response.headers['retry-after']),
              contentType: headerValue(response.headers['content-type']) ?? '',
              body: new Uint8Array(Buffer.concat(chunks)),
            }),
          );
        },
      );
      request.on('timeout', () => request.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
      request.on('error', (error) => resolve({ kind: 'network-error', error }));
      request.end(payload);
    });
}

function headerValue(value: string | string[] | undefined): string | null {
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
