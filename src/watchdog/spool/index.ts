export {
  IndexedSpool,
  emptySpoolStats,
  type Spool,
  type SpoolEntry,
  type SpoolStats,
  type SpoolBounds,
  type DropReason,
} from './spool.js';
export { MemorySpool } from './memory-spool.js';
export { DiskSpool, DEAD_LETTER_DIR, type DiskSpoolOptions } from './disk-spool.js';
