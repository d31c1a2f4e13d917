export { CumulativeStore, addDelta } from './cumulative-store.js';
export type {
  AggregateSnapshot,
  HistogramDelta,
  HistogramSeries,
  HistogramTotals,
  Labels,
  WindowSeries,
} from './cumulative-store.js';
export { sessionExemplar, uuidBytes, higherCandidate } from './session-exemplar.js';
export type { ExemplarCandidate } from './session-exemplar.js';
export { buildExportRequest, GATEWAY_SCOPE_NAME, GATEWAY_SERVICE_NAME } from './build-export-request.js';
export type { AggregateCheckpoint } from './aggregate-checkpoint.js';
