import { describe, expect, it } from 'vitest';
import { Authenticator, RevocationList, mintInstallToken } from '../../../../src/gateway/auth/index.js';

const SECRET = 'a-secret-of-sufficient-length';
const NOW_MS = 1_800_000_000_000;

function authenticator(revoked: string[] = [], maxTokenAgeSeconds = 0): Authenticator {
  return new Authenticator({
    keys: [{ keyId: 'k1', secret: SECRET }],
    maxTokenAgeSeconds,
    clockSkewSeconds: 300,
    revocation: new RevocationList({
      revokedInstallIds: revoked,
      redis: undefined,
      cacheSeconds: 30,
      maxCachedInstalls: 10,
      onRedisError: () => {},
    }),
  });
}

const token = (installId: string, issuedAtSeconds = NOW_MS / 1000 - 5): string =>
  mintInstallToken({ installId, keyId: 'k1', secret: SECRET, issuedAtSeconds });

describe('Authenticator', () => {
  it('turns a valid bearer token into the principal', async () => {
    const result = await authenticator().authenticate(`Bearer ${token('i-1')}`, NOW_MS);
    expect(result).toEqual({ ok: true, principal: { installId: 'i-1', keyId: 'k1' } });
  });

  it('accepts the scheme case-insensitively', async () => {
    expect((await authenticator().authenticate(`bearer ${token('i-1')}`, NOW_MS)).ok).toBe(true);
  });

  it.each([
    [undefined, 'missing', 'FILESFU_GW_AUTH_MISSING'],
    ['', 'missing', 'FILESFU_GW_AUTH_MISSING'],
    ['Basic dXNlcjpwYXNz', 'malformed', 'FILESFU_GW_AUTH_INVALID'],
    ['Bearer', 'malformed', 'FILESFU_GW_AUTH_INVALID'],
    ['Bearer fft1.x.y', 'malformed', 'FILESFU_GW_AUTH_INVALID'],
  ])('refuses %j with reason %s', async (header, reason, code) => {
    const result = await authenticator().authenticate(header, NOW_MS);
    expect(result).toMatchObject({ ok: false, reason, error: { code, status: 401 } });
  });

  it('refuses revoked installs and only those', async () => {
    const auth = authenticator(['i-bad']);
    expect(await auth.authenticate(`Bearer ${token('i-bad')}`, NOW_MS)).toMatchObject({
      ok: false,
      reason: 'revoked',
      error: { code: 'FILESFU_GW_AUTH_REVOKED' },
    });
    expect((await auth.authenticate(`Bearer ${token('i-good')}`, NOW_MS)).ok).toBe(true);
  });

  it('refuses tokens older than the configured maximum age', async () => {
    const result = await authenticator([], 60).authenticate(
      `Bearer ${token('i-1', NOW_MS / 1000 - 61)}`,
      NOW_MS,
    );
    expect(result).toMatchObject({
      ok: false,
      reason: 'expired',
      error: { code: 'FILESFU_GW_AUTH_EXPIRED' },
    });
  });

  it('never puts the token into the error message', async () => {
    const forged = token('i-1').slice(0, -2) + 'AA';
    const result = await authenticator().authenticate(`Bearer ${forged}`, NOW_MS);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain(forged.split('.')[1]);
  });
});
