import { describe, expect, it } from 'vitest';
import { parseSigningKeys } from '../../../../src/gateway/auth/index.js';

describe('parseSigningKeys', () => {
  it('parses several keys and tolerates spaces and empty entries', () => {
    expect(parseSigningKeys(' k1:0123456789abcdef , k2:fedcba9876543210:with-colon,')).toEqual([
      { keyId: 'k1', secret: '0123456789abcdef' },
      { keyId: 'k2', secret: 'fedcba9876543210:with-colon' },
    ]);
  });

  it.each([
    ['no colon', 'justakey'],
    ['empty key id', ':0123456789abcdef'],
    ['bad key id', 'k y:0123456789abcdef'],
  ])('rejects %s', (_name, text) => {
    expect(() => parseSigningKeys(text)).toThrow();
  });

  it('rejects short secrets without echoing them', () => {
    expect(() => parseSigningKeys('k1:short-secret')).toThrow(/k1.*at least 16/);
    try {
      parseSigningKeys('k1:short-secret');
    } catch (error) {
      expect(String(error)).not.toContain('short-secret');
    }
  });
});
