export interface WaitOptions {
  /** Give up after this long (ms). */
  timeoutMs?: number;
  /** Pause between probes (ms). */
  intervalMs?: number;
  /** Named in the timeout error. */
  what?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Polls `probe` until it returns a value other than undefined. Probe exceptions count as "not yet":
 * a process that is still starting refuses connections. The last exception is quoted on timeout.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined>, options: WaitOptions = {}): Promise<T> {
  const { timeoutMs = 30_000, intervalMs = 250, what = 'condition' } = options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: last error: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

/** Resolves true when GET `url` answers 2xx. */
export async function httpOk(url: string, timeoutMs = 2000): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  await response.arrayBuffer();
  return response.ok;
}
