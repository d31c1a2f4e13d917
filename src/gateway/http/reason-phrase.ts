// The HTTP reason phrase of an error answer. Standard OTLP exporters log it and not the
// google.rpc.Status body (the Python SDK logs "code: 400, reason: <phrase>", the JS SDK makes it the
// OTLPExporterError's message), so it carries the same message as the body.
import { STATUS_CODES } from 'node:http';
import type { GatewayError } from '../errors/index.js';

/**
 * Longest reason phrase sent (characters). Above the longest rejection message
 * (MAX_ERROR_MESSAGE_CHARS of the validation) and well inside the
 * 16 KiB response-head limit of Node's HTTP client.
 */
export const MAX_REASON_PHRASE_CHARS = 8192;

/** RFC 9110 reason-phrase: HTAB, SP and visible ASCII only (obs-text is not worth the risk). */
const NOT_PHRASE_CHARACTER = /[^\t\x20-\x7e]/g;

export function reasonPhrase(error: GatewayError): string {
  const phrase = `${STATUS_CODES[error.status] ?? 'Error'}: ${error.code}: ${error.message}`.replace(
    NOT_PHRASE_CHARACTER,
    '?',
  );
  return phrase.length > MAX_REASON_PHRASE_CHARS
    ? `${phrase.slice(0, MAX_REASON_PHRASE_CHARS - 3)}...`
    : phrase;
}
