/** Identity of a forwarded series: metric name plus sorted label pairs, Prometheus-style. */
export function seriesKey(metric: string, labels: Readonly<Record<string, string>>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((name) => `${name}=${JSON.stringify(labels[name])}`);
  return `${metric}{${pairs.join(',')}}`;
}
