import type { Exemplar } from '../../otlp/model.js';
import { RESOURCE_KEYS } from '../../model/index.js';

/** The session behind the highest sample of a series in one flush interval. */
export interface ExemplarCandidate {
  value: number;
  timeUnixNano: bigint;
  sessionId: string;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The 16 bytes of a UUID, or undefined when the session id is not one. */
export function uuidBytes(id: string): Uint8Array | undefined {
  if (!UUID_PATTERN.test(id)) return undefined;
  return Uint8Array.from(Buffer.from(id.replace(/-/g, ''), 'hex'));
}

/**
 * The session id travels twice: as a filtered attribute, and as the trace id (its 16 UUID bytes;
 * span id = the first 8) because Prometheus remote-write keeps trace_id/span_id exemplar labels
 * even where filtered attributes are dropped. Non-UUID ids travel only as the attribute.
 */
export function sessionExemplar(candidate: ExemplarCandidate): Exemplar {
  const bytes = uuidBytes(candidate.sessionId);
  return {
    filteredAttributes: [{ key: RESOURCE_KEYS.sessionId, value: candidate.sessionId }],
    timeUnixNano: candidate.timeUnixNano,
    value: candidate.value,
    valueType: 'double',
    traceId: bytes ?? new Uint8Array(0),
    spanId: bytes ? bytes.slice(0, 8) : new Uint8Array(0),
  };
}

/** The higher candidate wins; on equal values the earlier one stays (stable across flushes). */
export function higherCandidate(
  current: ExemplarCandidate | undefined,
  next: ExemplarCandidate | undefined,
): ExemplarCandidate | undefined {
  if (!next) return current;
  if (!current || next.value > current.value) return next;
  return current;
}
