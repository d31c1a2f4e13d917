import type { Resource } from '../../otlp/model.js';
import type { AttributeLimits, AttributeObservations } from './attributes.js';
import { checkAttributeLimits, stringAttribute } from './attributes.js';
import {
  INSTANCE_ID_ATTRIBUTE,
  OS_TYPE_ATTRIBUTE,
  SESSION_ID_ATTRIBUTE,
  VERSION_ATTRIBUTE,
} from './metric-model.js';
import type { RejectReason } from './reasons.js';

/** Who produced a resource's points, as far as the pipeline cares. */
export interface SessionIdentity {
  sessionId: string;
  installId: string;
  version: string;
  osType: string;
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
  const sessionId = stringAttribute(resource.attributes, SESSION_ID_ATTRIBUTE);
  if (sessionId === undefined || sessionId === '') return 'missing_session_id';
  if (
    sessionId.length < MIN_SESSION_ID_LENGTH ||
    sessionId.length > limits.maxSessionIdLength ||
    !SESSION_ID_PATTERN.test(sessionId)
  ) {
    return 'invalid_session_id';
  }
  if (stringAttribute(resource.attributes, INSTANCE_ID_ATTRIBUTE) !== installId) return 'install_id_mismatch';
  const version = stringAttribute(resource.attributes, VERSION_ATTRIBUTE);
  if (version === undefined || version === '') return 'missing_version';
  const osType = stringAttribute(resource.attributes, OS_TYPE_ATTRIBUTE);
  if (osType === undefined || osType === '') return 'missing_os_type';
  // Sessions are keyed case-insensitively so that a UUID in another case is the same session.
  return { sessionId: sessionId.toLowerCase(), installId, version, osType };
}
