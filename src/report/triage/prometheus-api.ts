// The two Prometheus HTTP API calls the triage needs, with a timeout and clear errors.

export interface InstantSample {
  metric: Record<string, string>;
  value: number;
}

export interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: Array<{ labels: Record<string, string>; value: number; timestamp: number }>;
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data?: T;
  errorType?: string;
  error?: string;
}

export class PrometheusApi {
  constructor(
    private readonly baseUrl: string,
    private readonly timeoutMs: number,
  ) {}

  /** An instant vector query evaluated at `time` (seconds). Scalars become one sample without labels. */
  async instant(promql: string, time: number): Promise<InstantSample[]> {
    const data = await this.get<{ resultType: string; result: unknown }>('/api/v1/query', {
      query: promql,
      time: String(time),
    });
    if (data.resultType === 'scalar') {
      const [, value] = data.result as [number, string];
      return [{ metric: {}, value: Number(value) }];
    }
    if (data.resultType !== 'vector')
      throw new Error(`expected a vector from Prometheus, got ${data.resultType}: ${promql}`);
    return (data.result as Array<{ metric: Record<string, string>; value: [number, string] }>).map(
      (sample) => ({
        metric: sample.metric,
        value: Number(sample.value[1]),
      }),
    );
  }

  async exemplars(promql: string, start: number, end: number): Promise<ExemplarSeries[]> {
    const series = await this.get<
      Array<{
        seriesLabels: Record<string, string>;
        exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
      }>
    >('/api/v1/query_exemplars', { query: promql, start: String(start), end: String(end) });
    return series.map((entry) => ({
      seriesLabels: entry.seriesLabels,
      exemplars: entry.exemplars.map((exemplar) => ({ ...exemplar, value: Number(exemplar.value) })),
    }));
  }

  private async get<T>(path: string, params: Record<string, string>): Promise<T> {
    const url = `${this.baseUrl.replace(/\/+$/, '')}${path}?${new URLSearchParams(params)}`;
    let response: Response;
    try {
      response = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new Error(`cannot reach Prometheus at ${this.baseUrl}: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => undefined)) as ApiResponse<T> | undefined;
    if (!body || body.status !== 'success' || body.data === undefined) {
      const reason = body?.error ?? `HTTP ${response.status}`;
      throw new Error(`Prometheus ${path} failed (${reason}) for: ${params.query ?? ''}`);
    }
    return body.data;
  }
}
