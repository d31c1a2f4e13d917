export {
  localIdentity,
  resourceAttributes,
  semconvHostArch,
  semconvOsType,
  type SessionIdentity,
} from './identity.js';
export { logicalCpuCount } from '../cpu/logical-cpus.js';
export { loadOrCreateInstallId, INSTALL_ID_FILE } from './install-id.js';
export {
  resolveSession,
  forgetSession,
  sameProcessRun,
  SESSION_FILE,
  type ResolvedSession,
} from './session-store.js';
export {
  lockStateDir,
  StateDirInUseError,
  STATE_DIR_LOCK_FILE,
  type StateDirLock,
} from './state-dir-lock.js';
