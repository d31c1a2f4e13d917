/** Minimal Prometheus HTTP API client for the stack, tests and the demo. */
export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface ExemplarSeries {
  seriesLabels: Record<string, string>;
  exemplars: Array<{ labels: Record<string, string>; value: string; timestamp: number }>;
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

export class PrometheusQueryError extends Error {}

async function call<T>(baseUrl: string, path: string, params: Record<string, string>): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as ApiResponse<T>;
  if (body.status !== 'success') {
    throw new PrometheusQueryError(`${path} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`);
  }
  return body.data;
}

/** An instant query; throws on a PromQL error; returns vector samples (scalars become one sample). */
export async function queryInstant(baseUrl: string, promql: string, time?: number): Promise<InstantSample[]> {
  const params: Record<string, string> = { query: promql };
  if (time !== undefined) params.time = String(time);
  const data = await call<{ resultType: string; result: unknown }>(baseUrl, '/api/v1/query', params);
  if (data.resultType === 'scalar' || data.resultType === 'string') {
    return [{ metric: {}, value: data.result as [number, string] }];
  }
  if (data.resultType === 'matrix') {
    const matrix = data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
    return matrix.map((series) => ({
      metric: series.metric,
      value: series.values[series.values.length - 1]!,
    }));
  }
  return data.result as InstantSample[];
}

export async function queryExemplars(
  baseUrl: string,
  promql: string,
  startSeconds: number,
  endSeconds: number,
): Promise<ExemplarSeries[]> {
  return call<ExemplarSeries[]>(baseUrl, '/api/v1/query_exemplars', {
    query: promql,
    start: String(startSeconds),
    end: String(endSeconds),
  });
}

/** Every raw sample of each series of `selector` in the last `rangeSeconds` (a range-vector query). */
export async function querySamples(
  baseUrl: string,
  selector: string,
  rangeSeconds: number,
): Promise<Array<{ metric: Record<string, string>; values: number[] }>> {
  const data = await call<{ resultType: string; result: unknown }>(baseUrl, '/api/v1/query', {
    query: `${selector}[${Math.ceil(rangeSeconds)}s]`,
  });
  if (data.resultType !== 'matrix') throw new PrometheusQueryError(`${selector}: expected a range vector`);
  const matrix = data.result as Array<{ metric: Record<string, string>; values: Array<[number, string]> }>;
  return matrix.map((series) => ({ metric: series.metric, values: series.values.map(([, v]) => Number(v)) }));
}
