// The gateway's data half: validation, cardinality limits, exactly-once session accounting in the
// shared state store, cumulative aggregation across sessions, export to the collector.
export * from './config.js';
export type * from './contract.js';
export { GatewayPipeline } from './gateway-pipeline.js';
export {
  createPipeline,
  createStateStore,
  PipelineConfigError,
  stateStoreOptions,
} from './create-pipeline.js';
