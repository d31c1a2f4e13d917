import { availableParallelism } from 'node:os';
/**
 * The logical CPU count: the divisor of every utilization sample and the exported resource attribute,
 * one number so that utilization × count is the cores busy. availableParallelism() is the CPUs this
 * process may run on (semconv: "number of CPUs available to the process"); a watchdog started by the
 * app inherits the app's affinity, and without affinity limits it equals every logical CPU.
 */
export function logicalCpuCount(): number {
  return Math.max(1, availableParallelism());
}
