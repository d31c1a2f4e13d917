// A PushMetricExporter that never loses an export to a failed request: each ResourceMetrics batch is
// serialized exactly as the SDK's OTLP/HTTP protobuf exporter would (ProtobufMetricsSerializer) and
// appended to the spool; the OrderedSender delivers it. The SDK exporter itself is not used for
// transport because it has no persistence, retries only in memory and may reorder or duplicate.
//
// With DELTA temporality the SDK forgets points once export() reports success, so success is reported
// only once the batch is in the spool.
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import {
  AggregationTemporality,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { describeError, silentLogger, type Logger } from '../log.js';
import type { Spool } from '../spool/index.js';
import { batchExtent } from './cpu-points.js';

/** The sample journal's side of a batch (sample-journal.ts): a marker before the append, then done. */
export interface BatchJournal {
  beginBatch(samples: number, endNs: bigint): string;
  endBatch(id: string): void;
}

export interface SpoolingMetricExporterOptions {
  spool: Spool | Promise<Spool>;
  journal?: BatchJournal;
  /** Called after each append so the sender can send at once. */
  onSpooled?: () => void;
  logger?: Logger;
}

export function countDataPoints(metrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of metrics.scopeMetrics)
    for (const metric of scope.metrics) points += metric.dataPoints.length;
  return points;
}

export class SpoolingMetricExporter implements PushMetricExporter {
  private readonly logger: Logger;
  private pending = new Set<Promise<void>>();
  private isShutdown = false;

  constructor(private readonly options: SpoolingMetricExporterOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    if (this.isShutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error('exporter is shut down') });
      return;
    }
    // An interval without samples produces no points: nothing worth a request.
    if (countDataPoints(metrics) === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    const task = this.spool(metrics).then(
      () => resultCallback({ code: ExportResultCode.SUCCESS }),
      (err: unknown) => {
        this.logger.error('export.spool_append_failed', { error: describeError(err) });
        resultCallback({
          code: ExportResultCode.FAILED,
          error: err instanceof Error ? err : new Error(String(err)),
        });
      },
    );
    this.pending.add(task);
    void task.finally(() => this.pending.delete(task));
  }

  private async spool(metrics: ResourceMetrics): Promise<void> {
    const payload = ProtobufMetricsSerializer.serializeRequest(metrics);
    if (!payload) throw new Error('ProtobufMetricsSerializer produced no bytes');
    const journal = this.options.journal;
    const { samples, endNs } = batchExtent(metrics);
    const id = journal && endNs !== undefined ? journal.beginBatch(samples, endNs) : undefined;
    try {
      const spool = await this.options.spool;
      await spool.append(payload, id);
    } finally {
      // Synchronously after the append resolved, before the sender can deliver and delete the segment.
      // A failed append (or a spool that never opened) lost the batch with the SDK (DELTA): the
      // journal lets its samples go as well, so it does not grow without bound in memory.
      if (journal && id !== undefined) journal.endBatch(id);
    }
    this.options.onSpooled?.();
  }

  /** Resolves when every batch handed to export() is in the spool (delivery is the sender's job). */
  async forceFlush(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.DELTA;
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
    this.isShutdown = true;
  }
}
