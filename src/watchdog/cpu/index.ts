export { parseProcStat, ProcStatParseError, type ProcStat } from './proc-stat.js';
export { clockTicksPerSecond, DEFAULT_CLOCK_TICKS_PER_SECOND } from './clock-ticks.js';
export {
  createCpuSource,
  ProcessGoneError,
  ProcfsCpuSource,
  SelfCpuSource,
  PidusageCpuSource,
  type CpuTimeSource,
  type CpuTarget,
} from './cpu-source.js';
export {
  CpuSampler,
  normaliseUtilization,
  SUSPEND_FACTOR,
  type CpuSamplerOptions,
  type CpuSamplerStats,
} from './cpu-sampler.js';
export { logicalCpuCount } from './logical-cpus.js';
export {
  TreeCpuAccount,
  CREDIT_TTL_READINGS,
  GONE_TTL_READINGS,
  type ProcessReading,
} from './tree-cpu-account.js';
export { readProcessTree, MAX_TREE_PROCESSES, type TreeReading } from './procfs-tree.js';
export type { CpuSourceOptions } from './cpu-source.js';
