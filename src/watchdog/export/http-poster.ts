// One OTLP/HTTP protobuf POST. Transport only: what a response means is decided by retry-policy.ts.

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
  const doFetch = options.fetch ?? fetch;
  const headers: Record<string, string> = {
    'content-type': 'application/x-protobuf',
    'user-agent': options.userAgent ?? 'filesfu-watchdog',
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  return async (payload) => {
    try {
      const response = await doFetch(options.url, {
        method: 'POST',
        headers,
        body: payload,
        signal: AbortSignal.timeout(options.timeoutMs),
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
