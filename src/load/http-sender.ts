// Minimal keep-alive HTTP POST for the load driver: node:http directly, because the driver shares
// the machine with the gateway and every microsecond it spends is one the gateway does not get.
import { Agent, request } from 'node:http';

export interface PostResult {
  status: number | 'network';
  latencyMs: number;
  /** The body of a 2xx answer (its partial success); empty otherwise, the rest is discarded. */
  body: Uint8Array;
  contentType: string | undefined;
  error?: string;
}

const EMPTY = new Uint8Array(0);

export class HttpSender {
  private readonly agent: Agent;
  private readonly url: URL;

  constructor(
    endpoint: string,
    private readonly timeoutMs: number,
    maxSockets: number,
  ) {
    this.url = new URL(endpoint);
    this.agent = new Agent({ keepAlive: true, maxSockets });
  }

  post(body: Uint8Array | string, contentType: string, token: string): Promise<PostResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      const req = request(
        this.url,
        {
          method: 'POST',
          agent: this.agent,
          timeout: this.timeoutMs,
          headers: {
            'content-type': contentType,
            authorization: `Bearer ${token}`,
            'content-length': Buffer.byteLength(body),
          },
        },
        (res) => {
          const status = res.statusCode ?? 0;
          const chunks: Buffer[] = [];
          if (status >= 200 && status < 300) res.on('data', (chunk: Buffer) => chunks.push(chunk));
          else res.resume();
          res.on('end', () =>
            resolve({
              status,
              latencyMs: performance.now() - started,
              body: chunks.length ? Buffer.concat(chunks) : EMPTY,
              contentType: res.headers['content-type'],
            }),
          );
          res.on('error', (error) => resolve(networkFailure(started, error)));
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on('error', (error) => resolve(networkFailure(started, error)));
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

function networkFailure(started: number, error: Error): PostResult {
  return {
    status: 'network',
    latencyMs: performance.now() - started,
    body: EMPTY,
    contentType: undefined,
    error: error.message,
  };
}
