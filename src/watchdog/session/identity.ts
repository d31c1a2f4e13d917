// Who is reporting: the resource attributes of docs/metrics.md §1.
import { arch, platform, release } from 'node:os';
import { logicalCpuCount } from '../cpu/logical-cpus.js';
import { RESOURCE_KEYS, SERVICE_NAME } from '../../model/index.js';

export interface SessionIdentity {
  /** service.instance.id: the install id, stable per install. */
  installId: string;
  /** session.id: one per run of the app. */
  sessionId: string;
  /** service.version: the desktop app's release. */
  appVersion: string;
  osType: string;
  osVersion: string;
  hostArch: string;
  /** Logical CPUs the utilization is normalised by (`filesfu.host.cpu.logical_count`); omitted if unknown. */
  cpuLogicalCount?: number | undefined;
}

// OTel semconv os.type values, keyed by Node's process.platform.
const OS_TYPES: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'linux',
  darwin: 'darwin',
  win32: 'windows',
  freebsd: 'freebsd',
  openbsd: 'openbsd',
  netbsd: 'netbsd',
  aix: 'aix',
  sunos: 'solaris',
};

// OTel semconv host.arch values, keyed by Node's process.arch.
const HOST_ARCHS: Record<string, string> = {
  x64: 'amd64',
  arm64: 'arm64',
  ia32: 'x86',
  arm: 'arm32',
  ppc: 'ppc32',
  ppc64: 'ppc64',
  s390x: 's390x',
};

export function semconvOsType(nodePlatform: NodeJS.Platform = platform()): string {
  return OS_TYPES[nodePlatform] ?? nodePlatform;
}

export function semconvHostArch(nodeArch: string = arch()): string {
  return HOST_ARCHS[nodeArch] ?? nodeArch;
}

export function localIdentity(fields: {
  installId: string;
  sessionId: string;
  appVersion: string;
}): SessionIdentity {
  return {
    ...fields,
    osType: semconvOsType(),
    osVersion: release(),
    hostArch: semconvHostArch(),
    cpuLogicalCount: logicalCpuCount(),
  };
}

export function resourceAttributes(identity: SessionIdentity): Record<string, string | number> {
  const count = identity.cpuLogicalCount;
  const cores = count !== undefined && Number.isSafeInteger(count) && count > 0 ? count : undefined;
  return {
    [RESOURCE_KEYS.serviceName]: SERVICE_NAME,
    [RESOURCE_KEYS.serviceVersion]: identity.appVersion,
    [RESOURCE_KEYS.serviceInstanceId]: identity.installId,
    [RESOURCE_KEYS.sessionId]: identity.sessionId,
    [RESOURCE_KEYS.osType]: identity.osType,
    [RESOURCE_KEYS.osVersion]: identity.osVersion,
    [RESOURCE_KEYS.hostArch]: identity.hostArch,
    ...(cores !== undefined ? { [RESOURCE_KEYS.cpuLogicalCount]: cores } : {}),
  };
}
