export {
  parseStageLine,
  encodeStageMessage,
  type StageMessage,
  type ParseResult,
  type ProtocolLimits,
} from './protocol.js';
export { LineSplitter, type LineSplitterEvents } from './line-splitter.js';
export {
  startStageServer,
  defaultStageSocketPath,
  type StageServer,
  type StageServerOptions,
  type StageServerStats,
} from './stage-server.js';
export { createStageReporter, type StageReporter, type StageReporterOptions } from './client.js';
export {
  stageDetailAttributes,
  validDetailAttributes,
  NO_DETAILS,
  STAGE_DETAIL_ATTRIBUTES,
  type StageDetailAttributes,
  type StageDetailsResult,
} from './stage-details.js';
