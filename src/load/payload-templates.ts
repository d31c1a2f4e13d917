// Pre-encoded export payloads that a thin k6 script can replay without an OTLP encoder of its own.
//
// A replayed payload must not look like a retry (the gateway deduplicates on (session.id, start
// time)), so every payload is a TEMPLATE: it is encoded once with sentinel values, and the
// positions of the sentinels are recorded. k6 then patches in a fresh session id and real
// timestamps per export — byte offsets for protobuf (fixed64 timestamps, fixed-length UUID), text
// placeholders for OTLP/JSON.
import { encodeExportMetricsServiceRequest, encodeExportMetricsServiceRequestJson } from '../otlp/index.js';
import { sessionExportRequest, type LoadSessionIdentity, type StageSamples } from './session-export.js';

/** 36 characters like a UUID, so a real UUID fits in its place byte for byte. */
export const SESSION_ID_SENTINEL = '00000000-5e55-4e55-8e55-5e55105e5e55';
export const START_SENTINEL = 1_111_111_111_111_111_111n;
export const TIME_SENTINEL = 1_222_222_222_222_222_222n;
export const VERSION_SENTINEL = '0.0.0-loadtemplate';

export const JSON_PLACEHOLDERS = {
  sessionId: '__SESSION_ID__',
  startTimeUnixNano: '__START_NS__',
  timeUnixNano: '__TIME_NS__',
  version: '__VERSION__',
} as const;

export interface ProtobufTemplate {
  bytes: Uint8Array;
  offsets: { sessionId: number[]; startTimeUnixNano: number[]; timeUnixNano: number[] };
}

export function protobufTemplate(
  identity: Omit<LoadSessionIdentity, 'sessionId'>,
  stages: StageSamples[],
): ProtobufTemplate {
  const request = sessionExportRequest(
    { ...identity, sessionId: SESSION_ID_SENTINEL },
    START_SENTINEL,
    TIME_SENTINEL,
    stages,
  );
  const bytes = encodeExportMetricsServiceRequest(request);
  const offsets = {
    sessionId: findAll(bytes, new TextEncoder().encode(SESSION_ID_SENTINEL)),
    startTimeUnixNano: findAll(bytes, fixed64(START_SENTINEL)),
    timeUnixNano: findAll(bytes, fixed64(TIME_SENTINEL)),
  };
  const points = stages.filter((s) => s.samples.length > 0).length;
  if (
    offsets.sessionId.length !== 1 ||
    offsets.startTimeUnixNano.length !== points ||
    offsets.timeUnixNano.length !== points
  ) {
    throw new Error(`template sentinels not found exactly once per field: ${JSON.stringify(offsets)}`);
  }
  return { bytes, offsets };
}

/** OTLP/JSON with placeholders; `version` is templated too so a cardinality attack can vary it. */
export function jsonTemplate(
  identity: Omit<LoadSessionIdentity, 'sessionId' | 'appVersion'>,
  stages: StageSamples[],
): string {
  const request = sessionExportRequest(
    { ...identity, appVersion: VERSION_SENTINEL, sessionId: SESSION_ID_SENTINEL },
    START_SENTINEL,
    TIME_SENTINEL,
    stages,
  );
  return encodeExportMetricsServiceRequestJson(request)
    .replaceAll(SESSION_ID_SENTINEL, JSON_PLACEHOLDERS.sessionId)
    .replaceAll(START_SENTINEL.toString(), JSON_PLACEHOLDERS.startTimeUnixNano)
    .replaceAll(TIME_SENTINEL.toString(), JSON_PLACEHOLDERS.timeUnixNano)
    .replaceAll(VERSION_SENTINEL, JSON_PLACEHOLDERS.version);
}

/** The same patching k6 does (load/k6/lib/payloads.js), for tests and the Node driver. */
export function patchProtobuf(
  template: ProtobufTemplate,
  sessionId: string,
  startNs: bigint,
  timeNs: bigint,
): Uint8Array {
  const bytes = template.bytes.slice();
  const id = new TextEncoder().encode(sessionId);
  if (id.length !== SESSION_ID_SENTINEL.length) throw new Error('session id must be a 36-character UUID');
  for (const offset of template.offsets.sessionId) bytes.set(id, offset);
  for (const offset of template.offsets.startTimeUnixNano) bytes.set(fixed64(startNs), offset);
  for (const offset of template.offsets.timeUnixNano) bytes.set(fixed64(timeNs), offset);
  return bytes;
}

export function fillJsonTemplate(
  template: string,
  values: { sessionId: string; startNs: bigint; timeNs: bigint; version: string },
): string {
  return template
    .replaceAll(JSON_PLACEHOLDERS.sessionId, values.sessionId)
    .replaceAll(JSON_PLACEHOLDERS.startTimeUnixNano, values.startNs.toString())
    .replaceAll(JSON_PLACEHOLDERS.timeUnixNano, values.timeNs.toString())
    .replaceAll(JSON_PLACEHOLDERS.version, values.version);
}

function fixed64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value, true);
  return bytes;
}

function findAll(haystack: Uint8Array, needle: Uint8Array): number[] {
  const found: number[] = [];
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    found.push(i);
  }
  return found;
}
