import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_TOKEN_LENGTH,
  mintInstallToken,
  verifyInstallToken,
} from '../../../../src/gateway/auth/index.js';

const SECRET = 'a-secret-of-sufficient-length';
const OTHER_SECRET = 'another-secret-of-good-length';
const KEYS = new Map([
  ['k1', SECRET],
  ['k2', OTHER_SECRET],
]);
const NOW = 1_800_000_000;

function mint(overrides: Partial<Parameters<typeof mintInstallToken>[0]> = {}): string {
  return mintInstallToken({
    installId: 'install-1',
    keyId: 'k1',
    secret: SECRET,
    issuedAtSeconds: NOW - 10,
    ...overrides,
  });
}

describe('install tokens', () => {
  it('verifies a minted token and yields its claims', () => {
    const result = verifyInstallToken(mint(), KEYS, NOW);
    expect(result).toEqual({
      ok: true,
      claims: { installId: 'install-1', keyId: 'k1', issuedAtSeconds: NOW - 10 },
    });
  });

  it('has the fft1.<payload>.<mac> shape', () => {
    expect(mint()).toMatch(/^fft1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/);
  });

  it('supports key rotation: tokens of every configured key verify', () => {
    const token = mint({ keyId: 'k2', secret: OTHER_SECRET });
    expect(verifyInstallToken(token, KEYS, NOW)).toMatchObject({ ok: true, claims: { keyId: 'k2' } });
  });

  it('rejects a token whose key is no longer configured', () => {
    const token = mint({ keyId: 'retired', secret: SECRET });
    expect(verifyInstallToken(token, KEYS, NOW)).toEqual({ ok: false, reason: 'unknown_key' });
  });

  it('rejects a token signed with the wrong secret for its key id', () => {
    const token = mint({ secret: OTHER_SECRET });
    expect(verifyInstallToken(token, KEYS, NOW)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('rejects a payload swapped to another install (the signature no longer matches)', () => {
    const [prefix, , mac] = mint().split('.');
    const forged = Buffer.from(JSON.stringify({ iid: 'victim', kid: 'k1', iat: NOW - 10 })).toString(
      'base64url',
    );
    expect(verifyInstallToken(`${prefix}.${forged}.${mac}`, KEYS, NOW)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('rejects expired tokens only when a maximum age is configured', () => {
    const old = mint({ issuedAtSeconds: NOW - 1000 });
    expect(verifyInstallToken(old, KEYS, NOW).ok).toBe(true);
    expect(verifyInstallToken(old, KEYS, NOW, { maxAgeSeconds: 999 })).toEqual({
      ok: false,
      reason: 'expired',
    });
    expect(verifyInstallToken(old, KEYS, NOW, { maxAgeSeconds: 1000 }).ok).toBe(true);
  });

  it('rejects tokens issued beyond the tolerated clock skew', () => {
    const future = mint({ issuedAtSeconds: NOW + 301 });
    expect(verifyInstallToken(future, KEYS, NOW)).toEqual({ ok: false, reason: 'not_yet_valid' });
    expect(verifyInstallToken(future, KEYS, NOW, { clockSkewSeconds: 301 }).ok).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['no dots', 'fft1'],
    ['wrong prefix', mint().replace(/^fft1/, 'fft2')],
    ['one dot', 'fft1.abc'],
    ['payload not JSON', `fft1.${Buffer.from('nope').toString('base64url')}.AAAA`],
    [
      'claims of wrong types',
      `fft1.${Buffer.from('{"iid":1,"kid":"k1","iat":"x"}').toString('base64url')}.AAAA`,
    ],
    ['too long', `fft1.${'a'.repeat(MAX_TOKEN_LENGTH)}.b`],
  ])('rejects a malformed token (%s)', (_name, token) => {
    expect(verifyInstallToken(token, KEYS, NOW)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('rejects any single-character change of a valid token', () => {
    const token = mint();
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    fc.assert(
      fc.property(fc.nat({ max: token.length - 1 }), fc.constantFrom(...alphabet), (index, replacement) => {
        const mutated = token.slice(0, index) + replacement + token.slice(index + 1);
        // The MAC's last base64url character carries padding bits that decoding ignores: a change
        // there may decode to the same MAC, i.e. the same token. The payload is signed as text.
        fc.pre(!sameToken(mutated, token));
        expect(verifyInstallToken(mutated, KEYS, NOW).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses to mint for an empty install id', () => {
    expect(() => mint({ installId: '' })).toThrow(/installId/);
  });
});

function sameToken(a: string, b: string): boolean {
  const [aPrefix, aPayload, aMac] = a.split('.');
  const [bPrefix, bPayload, bMac] = b.split('.');
  return (
    a.split('.').length === 3 &&
    aPrefix === bPrefix &&
    aPayload === bPayload &&
    Buffer.from(aMac ?? '', 'base64url').equals(Buffer.from(bMac ?? '', 'base64url'))
  );
}
