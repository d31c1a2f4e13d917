import type { ExportMetricsServiceRequest } from '../../otlp/index.js';
import type { IngestOutcome, Pipeline, Principal } from '../pipeline/index.js';
import type { RejectionReporter } from './rejection-reports.js';

/** The pipeline with every ingest outcome also handed to the operator's rejection reporter. */
export function reportingPipeline(inner: Pipeline, reporter: RejectionReporter): Pipeline {
  return {
    async ingest(request: ExportMetricsServiceRequest, principal: Principal): Promise<IngestOutcome> {
      const outcome = await inner.ingest(request, principal);
      reporter.record(principal.installId, outcome);
      return outcome;
    },
    backpressure: () => inner.backpressure(),
    ready: () => inner.ready(),
    shutdown: () => inner.shutdown(),
  };
}
