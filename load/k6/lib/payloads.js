// @ts-check
// Shared by the k6 scripts: patch a pre-encoded export template (see src/load/payload-templates.ts)
// with a fresh session id and real timestamps, so that every request is a new DELTA interval of a
// real-looking session and never a retry the gateway would deduplicate. No OTLP encoder in k6.

/**
 * @typedef {{ sessionId: number[]; startTimeUnixNano: number[]; timeUnixNano: number[] }} Offsets
 * @typedef {{ installId: string; token: string; appVersion: string; protobuf: string; json: string; offsets: Offsets }} ManifestEntry
 * @typedef {{ manifestVersion: number; keyId: string; samplesPerExport: number;
 *   jsonPlaceholders: { sessionId: string; startTimeUnixNano: string; timeUnixNano: string; version: string };
 *   payloads: ManifestEntry[] }} Manifest
 */

/** @param {string} text @returns {Manifest} */
export function parseManifest(text) {
  /** @type {Manifest} */
  const manifest = JSON.parse(text);
  if (manifest.manifestVersion !== 1 || !manifest.payloads || manifest.payloads.length === 0) {
    throw new Error('payload manifest missing or empty: run `npm run load -- generate` first');
  }
  return manifest;
}

/** A random UUID v4 (36 characters: the size of the template's session id). @returns {string} */
export function uuid() {
  const hex = '0123456789abcdef';
  let out = '';
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) out += '-';
    else if (i === 14) out += '4';
    else if (i === 19) out += hex[8 + Math.floor(Math.random() * 4)];
    else out += hex[Math.floor(Math.random() * 16)];
  }
  return out;
}

/**
 * Writes milliseconds as fixed64 little-endian nanoseconds without BigInt (k6's JS engine lacks it):
 * ns = ms × 10^6 split into exact 32-bit halves.
 * @param {Uint8Array} bytes @param {number} offset @param {number} ms
 */
export function writeNanos(bytes, offset, ms) {
  const msHigh = Math.floor(ms / 65536);
  const msLow = ms % 65536;
  const a = msHigh * 1e6; // < 2^53: exact
  const aHigh = Math.floor(a / 65536);
  let low = (a % 65536) * 65536 + msLow * 1e6; // < 2^53: exact
  const carry = Math.floor(low / 4294967296);
  low = low % 4294967296;
  const high = aHigh + carry;
  for (let i = 0; i < 4; i++) {
    bytes[offset + i] = Math.floor(low / Math.pow(2, 8 * i)) & 0xff;
    bytes[offset + 4 + i] = Math.floor(high / Math.pow(2, 8 * i)) & 0xff;
  }
}

/**
 * @param {ArrayBuffer} template @param {Offsets} offsets
 * @param {string} sessionId @param {number} startMs @param {number} endMs
 * @returns {ArrayBuffer}
 */
export function patchProtobuf(template, offsets, sessionId, startMs, endMs) {
  const bytes = new Uint8Array(template.slice(0));
  for (const offset of offsets.sessionId) {
    for (let i = 0; i < sessionId.length; i++) bytes[offset + i] = sessionId.charCodeAt(i);
  }
  for (const offset of offsets.startTimeUnixNano) writeNanos(bytes, offset, startMs);
  for (const offset of offsets.timeUnixNano) writeNanos(bytes, offset, endMs);
  return bytes.buffer;
}

/**
 * @param {string} template @param {Manifest['jsonPlaceholders']} placeholders
 * @param {{ sessionId: string; startMs: number; endMs: number; version: string }} values
 * @returns {string}
 */
export function fillJson(template, placeholders, values) {
  return template
    .split(placeholders.sessionId)
    .join(values.sessionId)
    .split(placeholders.startTimeUnixNano)
    .join(`${values.startMs}000000`)
    .split(placeholders.timeUnixNano)
    .join(`${values.endMs}000000`)
    .split(placeholders.version)
    .join(values.version);
}

/** @param {string} token @param {string} contentType */
export function exportHeaders(token, contentType) {
  return { 'Content-Type': contentType, Authorization: `Bearer ${token}` };
}
