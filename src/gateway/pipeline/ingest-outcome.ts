import type { RejectionTally } from '../validation/index.js';
import type { IngestOutcome } from './contract.js';
import type { SessionOutcome } from './session-contributions.js';

/** The answer to an ingest: what its committed sessions added and what validation rejected. */
export function ingestOutcome(outcome: SessionOutcome, rejections: RejectionTally): IngestOutcome {
  const { accepted, duplicate } = outcome;
  const rejected = rejections.total;
  const invalidRequest = rejected > 0 && accepted === 0 && duplicate === 0;
  return {
    acceptedDataPoints: accepted,
    rejectedDataPoints: rejected,
    duplicateDataPoints: duplicate,
    errorMessage: rejections.message(),
    invalidRequest,
    forbidden: invalidRequest && rejections.has('install_id_mismatch'),
    ignoredDataPoints: rejections.ignored,
    rejectionReasons: rejections.reasons(),
  };
}
