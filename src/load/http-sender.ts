// Minimal keep-alive HTTP POST for the load driver: node:http directly, because the driver shares
// the machine with the gateway and every microsecond it spends is one the gateway does not get.
import { Agent, request } from 'node:http';

export interface PostResult {
  status: number | 'network';
  latencyMs: number;
  error?: string;
}

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
          res.resume();
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, latencyMs: performance.now() - started }),
          );
          res.on('error', (error) =>
            resolve({ status: 'network', latencyMs: performance.now() - started, error: error.message }),
          );
        },
      );
      req.on('timeout', () => req.destroy(new Error(`timeout after ${this.timeoutMs} ms`)));
      req.on('error', (error) =>
        resolve({ status: 'network', latencyMs: performance.now() - started, error: error.message }),
      );
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
