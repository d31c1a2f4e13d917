import type { Resource } from '../../otlp/model.js';
import type { AttributeLimits, AttributeObservations } from './attributes.js';
import { checkAttributeLimits, stringAttribute } from './attributes.js';
import { RESOURCE_KEYS } from '../../model/index.js';
import { countAttribute } from './point-attributes.js';
import type { RejectReason } from './reasons.js';
import { MAX_SESSION_ID_LENGTH, MIN_SESSION_ID_LENGTH, SESSION_ID_PATTERN } from './session-id.js';

/** Who produced a resource's points, as far as the pipeline cares. */
export interface SessionIdentity {
  sessionId: string;
  installId: string;
  version: string;
  osType: string;
  /** `filesfu.host.cpu.logical_count` when it is an integer >= 1; undefined: unknown. */
  cpuLogicalCount: number | undefined;
}

export type ResourceLimits = AttributeLimits;

/** Every problem of a resource, with what the client sent where quoting it helps. */
export interface ResourceProblems {
  reasons: RejectReason[];
  got: Partial<Record<RejectReason, string>>;
}

export function validateResource(
  resource: Resource,
  installId: string,
  limits: ResourceLimits,
  observed: AttributeObservations,
): SessionIdentity | ResourceProblems {
  const reasons: RejectReason[] = [];
  const got: Partial<Record<RejectReason, string>> = {};
  const attributes = resource.attributes;
  const instanceId = stringAttribute(attributes, RESOURCE_KEYS.serviceInstanceId);
  if (instanceId === undefined || instanceId === '') reasons.push('missing_instance_id');
  else if (instanceId !== installId) {
    reasons.push('install_id_mismatch');
    got.install_id_mismatch = `"${instanceId}"`;
  }
  const attributeProblem = checkAttributeLimits(attributes, limits, observed);
  if (attributeProblem) reasons.push(attributeProblem);
  const sessionId = stringAttribute(attributes, RESOURCE_KEYS.sessionId);
  if (sessionId === undefined || sessionId === '') reasons.push('missing_session_id');
  else if (
    sessionId.length < MIN_SESSION_ID_LENGTH ||
    sessionId.length > MAX_SESSION_ID_LENGTH ||
    !SESSION_ID_PATTERN.test(sessionId)
  ) {
    reasons.push('invalid_session_id');
    got.invalid_session_id = `"${sessionId}"`;
  }
  const version = stringAttribute(attributes, RESOURCE_KEYS.serviceVersion);
  if (version === undefined || version === '') reasons.push('missing_version');
  const osType = stringAttribute(attributes, RESOURCE_KEYS.osType);
  if (osType === undefined || osType === '') reasons.push('missing_os_type');
  if (reasons.length > 0 || sessionId === undefined || version === undefined || osType === undefined)
    return { reasons, got };
  // Sessions are keyed case-insensitively so that a UUID in another case is the same session.
  const logicalCount = countAttribute(attributes, RESOURCE_KEYS.cpuLogicalCount);
  const cpuLogicalCount = logicalCount !== undefined && logicalCount >= 1 ? logicalCount : undefined;
  return { sessionId: sessionId.toLowerCase(), installId, version, osType, cpuLogicalCount };
}
