// Posts a simulated session's OTLP/protobuf requests to the gateway: keep-alive node:http, retries
// on backpressure (429/503, honouring Retry-After up to a cap) and network errors, as a watchdog's
// sender would, and the gateway's partial-success count of rejected points.
import { Agent, request } from 'node:http';
import { mayHaveBeenCounted, rejectedDataPoints, type LossCause } from '../load/index.js';

export interface SendOutcome {
  delivered: boolean;
  retries: number;
  rejectedDataPoints: number;
  /**
   * Not delivered: refused (4xx other than 429), failed (another answer not worth a retry, e.g. a
   * 500) or gave up (retried until the attempts ran out).
   */
  loss?: Extract<LossCause, 'refused' | 'failed' | 'gave-up'>;
  /**
   * Delivered after an attempt that had no answer (other than a refused connection) or a 5xx other
   * than 503: the gateway may have
   * counted that attempt and acknowledged this one as a duplicate.
   */
  afterUnknownOutcome?: boolean;
  error?: string;
}

export type RequestSender = (body: Uint8Array, token: string) => Promise<SendOutcome>;

export interface HttpSenderOptions {
  /** Sockets kept open (one per request in flight). */
  maxSockets: number;
  /** Attempts per request before it counts as failed. Default 30. */
  maxAttempts?: number;
  /** Longest wait between attempts (ms), also the cap on a server's Retry-After. Default 2000. */
  maxBackoffMs?: number;
  /** One attempt's timeout (ms). Default 30 000. */
  timeoutMs?: number;
}

interface Attempt {
  status: number | 'network';
  body: Buffer;
  contentType?: string;
  retryAfter: string | undefined;
  error?: string;
  /** A network failure after which the gateway may hold the request (not a refused connection). */
  mayHaveBeenCounted?: boolean;
}

export function createHttpSender(
  endpoint: string,
  options: HttpSenderOptions,
): { send: RequestSender; close(): void } {
  const url = new URL('/v1/metrics', endpoint);
  const agent = new Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const maxAttempts = options.maxAttempts ?? 30;
  const maxBackoffMs = options.maxBackoffMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 30_000;

  const attempt = (body: Uint8Array, token: string): Promise<Attempt> =>
    new Promise((resolve) => {
      const req = request(
        url,
        {
          method: 'POST',
          agent,
          timeout: timeoutMs,
          headers: {
            'content-type': 'application/x-protobuf',
            authorization: `Bearer ${token}`,
            'content-length': body.byteLength,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              body: Buffer.concat(chunks),
              contentType: res.headers['content-type'],
              retryAfter: res.headers['retry-after'],
            }),
          );
          res.on('error', (error) =>
            resolve({
              status: 'network',
              body: Buffer.alloc(0),
              retryAfter: undefined,
              error: error.message,
            }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
      req.on('error', (error) =>
        resolve({
          status: 'network',
          body: Buffer.alloc(0),
          retryAfter: undefined,
          error: error.message,
          mayHaveBeenCounted: mayHaveBeenCounted(error),
        }),
      );
      req.end(body);
    });

  const send: RequestSender = async (body, token) => {
    let retries = 0;
    let lastError = '';
    let afterUnknownOutcome = false;
    for (let n = 1; n <= maxAttempts; n++) {
      const result = await attempt(body, token);
      if (result.status === 200) {
        const rejected = rejectedPoints(result.body, result.contentType);
        return { delivered: true, retries, rejectedDataPoints: rejected, afterUnknownOutcome };
      }
      lastError = result.error ?? `HTTP ${result.status}: ${result.body.toString('utf8').slice(0, 200)}`;
      if (
        result.status === 'network'
          ? result.mayHaveBeenCounted !== false
          : result.status >= 500 && result.status !== 503
      ) {
        afterUnknownOutcome = true;
      }
      const retryable = result.status === 'network' || result.status === 429 || result.status === 503;
      if (!retryable) {
        const { status } = result;
        const loss = typeof status === 'number' && status >= 400 && status < 500 ? 'refused' : 'failed';
        return { delivered: false, retries, rejectedDataPoints: 0, loss, error: lastError };
      }
      if (n === maxAttempts) break;
      retries += 1;
      const hinted = Number(result.retryAfter) * 1000;
      const backoff = Number.isFinite(hinted) && hinted > 0 ? hinted : 50 * 2 ** Math.min(n, 10);
      await new Promise((resolve) => setTimeout(resolve, Math.min(maxBackoffMs, backoff)));
    }
    return { delivered: false, retries, rejectedDataPoints: 0, loss: 'gave-up', error: lastError };
  };
  return { send, close: () => agent.destroy() };
}

/** A 200 whose body does not decode still delivered the request; its partial success is unknown. */
function rejectedPoints(body: Buffer, contentType: string | undefined): number {
  try {
    return rejectedDataPoints(body, contentType);
  } catch {
    return 0;
  }
}

/** A sender that accepts everything without a network: dry runs and the simulator's own throughput. */
export const acceptAll: RequestSender = async () => ({ delivered: true, retries: 0, rejectedDataPoints: 0 });
