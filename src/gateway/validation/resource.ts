import type { Resource } from '../../otlp/model.js';
import type { AttributeLimits, AttributeObservations } from './attributes.js';
import { checkAttributeLimits, stringAttribute } from './attributes.js';
import { RESOURCE_KEYS } from '../../model/index.js';
import { countAttribute } from './point-attributes.js';
import type { RejectReason } from './reasons.js';

/** Who produced a resource's points, as far as the pipeline cares. */
export interface SessionIdentity {
  sessionId: string;
  installId: string;
  version: string;
  osType: string;
  /** `filesfu.host.cpu.logical_count` when it is an integer >= 1; undefined: unknown. */
  cpuLogicalCount: number | undefined;
}

export interface ResourceLimits extends AttributeLimits {
  maxSessionIdLength: number;
}

// UUID-ish: the watchdog sends UUID v4, but any opaque token of letters, digits and dashes is
// harmless because session.id never becomes a label; the bound keeps state keys small.
const SESSION_ID_PATTERN = /^[0-9A-Za-z][0-9A-Za-z-]*$/;
const MIN_SESSION_ID_LENGTH = 8;

export function validateResource(
  resource: Resource,
  installId: string,
  limits: ResourceLimits,
  observed: AttributeObservations,
): SessionIdentity | RejectReason {
  const attributeProblem = checkAttributeLimits(resource.attributes, limits, observed);
  if (attributeProblem) return attributeProblem;
  const sessionId = stringAttribute(resource.attributes, RESOURCE_KEYS.sessionId);
  if (sessionId === undefined || sessionId === '') return 'missing_session_id';
  if (
    sessionId.length < MIN_SESSION_ID_LENGTH ||
    sessionId.length > limits.maxSessionIdLength ||
    !SESSION_ID_PATTERN.test(sessionId)
  ) {
    return 'invalid_session_id';
  }
  if (stringAttribute(resource.attributes, RESOURCE_KEYS.serviceInstanceId) !== installId)
    return 'install_id_mismatch';
  const version = stringAttribute(resource.attributes, RESOURCE_KEYS.serviceVersion);
  if (version === undefined || version === '') return 'missing_version';
  const osType = stringAttribute(resource.attributes, RESOURCE_KEYS.osType);
  if (osType === undefined || osType === '') return 'missing_os_type';
  // Sessions are keyed case-insensitively so that a UUID in another case is the same session.
  const logicalCount = countAttribute(resource.attributes, RESOURCE_KEYS.cpuLogicalCount);
  const cpuLogicalCount = logicalCount !== undefined && logicalCount >= 1 ? logicalCount : undefined;
  return { sessionId: sessionId.toLowerCase(), installId, version, osType, cpuLogicalCount };
}
