// The metric model: the one home of every metric name, label, bucket, stage and cost (docs/metrics.md).
export * from './wire.js';
export * from './episodes.js';
export * from './buckets.js';
export * from './forwarded.js';
export * from './prometheus.js';
export * from './self-metrics.js';
