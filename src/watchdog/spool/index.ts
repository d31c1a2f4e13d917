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
export { lockSpoolDir, SpoolDirInUseError, SPOOL_LOCK_FILE, type SpoolDirLock } from './spool-dir-lock.js';
export { defaultLibrarySpoolDir, STATE_DIR_ENV, LIBRARY_SPOOL_DIR } from './default-spool-dir.js';
