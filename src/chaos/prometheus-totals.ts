import { PROM } from '../model/index.js';
import { querySamples } from '../stack/index.js';

/**
 * What Prometheus holds for a counter `selector`, summed over its series and counting through
 * resets the way increase() does: the first sample, plus every rise, plus the whole value after a
 * drop. A restart that re-counts shows up here as more than the clients sent.
 */
export async function heldTotal(
  prometheusUrl: string,
  selector: string,
  rangeSeconds: number,
): Promise<number> {
  const series = await querySamples(prometheusUrl, selector, rangeSeconds);
  return series.reduce((total, { values }) => total + countThroughResets(values), 0);
}

/** One series' samples in time order: the first, plus every rise, plus the whole value after a drop. */
export function countThroughResets(values: readonly number[]): number {
  let total = values[0] ?? 0;
  for (let i = 1; i < values.length; i++) {
    const [before, now] = [values[i - 1]!, values[i]!];
    total += now >= before ? now - before : now;
  }
  return total;
}

/** Reset-adjusted totals of the samples and session windows the fleet of `version` sent. */
export async function heldByVersion(
  prometheusUrl: string,
  version: string,
  rangeSeconds: number,
): Promise<{ samples: number; windows: number }> {
  return {
    samples: await heldTotal(prometheusUrl, `${PROM.cpuCount}{version="${version}"}`, rangeSeconds),
    windows: await heldTotal(
      prometheusUrl,
      `${PROM.sessionWindows.active}{version="${version}"}`,
      rangeSeconds,
    ),
  };
}
