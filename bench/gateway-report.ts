// The tables `npm run bench:gateway` prints (Markdown, so they paste into bench/RESULTS.md as they are).

/** One Markdown table row per shape (points per request × encoding), in measurement order. */
export interface GatewayBenchReport {
  peakRows: string[];
  layerRows: string[];
  latencyRows: string[];
  /** Peak resident memory (VmHWM), MiB. */
  peakRss: { gateway: string; collector: string };
}

export function printReport(report: GatewayBenchReport): void {
  console.log('## Peak throughput (medians)\n');
  console.log(
    '| points/request | encoding | gateway points/s | collector points/s | ratio g/c | gateway points/CPU-s | collector points/CPU-s | ratio g/c | failed requests |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const row of report.peakRows) console.log(row);
  console.log(
    '\n"points/CPU-s" = data points per second of one fully busy core (server process user+system CPU).\n',
  );
  console.log("## Where the gateway's CPU goes (medians of the same runs)\n");
  console.log(
    "| points/request | encoding | HTTP floor points/CPU-s | HTTP + decode points/CPU-s | CPU per point, × the collector's: HTTP floor | HTTP + decode | gateway |",
  );
  console.log('|---|---|---|---|---|---|---|');
  for (const row of report.layerRows) console.log(row);
  console.log(
    "\nHTTP floor: node:http reading the body with the gateway's reader (gunzip included) and answering 200; HTTP + decode: the same, decoding the body with the gateway's decoder. The gateway adds authentication, validation, state and aggregation.\n",
  );
  console.log(
    "## Latency at half the gateway's peak request rate (same offered load on both), ms p50 / p90 / p99\n",
  );
  console.log(
    '| points/request | encoding | requests/s | gateway | collector | gateway event-loop delay max; GC pauses ≥ 10 ms |',
  );
  console.log('|---|---|---|---|---|---|');
  for (const row of report.latencyRows) console.log(row);
  console.log(
    `\nPeak resident memory (VmHWM): gateway ${report.peakRss.gateway} MiB, collector ${report.peakRss.collector} MiB.`,
  );
}
