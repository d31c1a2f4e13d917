export { CheckpointFileError, readCheckpointFile, writeCheckpointFile } from './checkpoint-file.js';
export { CHECKPOINT_FILE_NAME, CHECKPOINT_FORMAT, CheckpointLocation } from './gateway-checkpoint.js';
export type { GatewayCheckpoint } from './gateway-checkpoint.js';
export { DurableState } from './durable-state.js';
export type { DurableStateOptions } from './durable-state.js';
export { Quiescence } from './quiescence.js';
