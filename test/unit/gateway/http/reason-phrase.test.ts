import { describe, expect, it } from 'vitest';
import { gatewayError } from '../../../../src/gateway/errors/index.js';
import { MAX_REASON_PHRASE_CHARS, reasonPhrase } from '../../../../src/gateway/http/reason-phrase.js';

describe('reasonPhrase', () => {
  it('carries the status text, the code and the message', () => {
    expect(reasonPhrase(gatewayError('FILESFU_GW_INVALID_REQUEST', { reason: 'set DELTA' }))).toBe(
      'Bad Request: FILESFU_GW_INVALID_REQUEST: request rejected: set DELTA',
    );
  });

  it('is printable ASCII and bounded whatever the message holds', () => {
    const phrase = reasonPhrase(
      gatewayError('FILESFU_GW_INSTALL_MISMATCH', {
        reason: `é\r\n…${'x'.repeat(3 * MAX_REASON_PHRASE_CHARS)}`,
      }),
    );
    expect(phrase).toMatch(/^[\t\x20-\x7e]*$/);
    expect(phrase.length).toBeLessThanOrEqual(MAX_REASON_PHRASE_CHARS);
    expect(phrase.startsWith('Forbidden: FILESFU_GW_INSTALL_MISMATCH')).toBe(true);
  });
});
