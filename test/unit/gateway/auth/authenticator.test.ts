import { Redis } from 'ioredis';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Authenticator, RevocationList, mintInstallToken } from '../../../../src/gateway/auth/index.js';
import { REVOKED_SET_KEY } from '../../../../src/gateway/auth/revocation.js';
import { startTestRedis } from '../../../support/redis.js';

const SECRET = 'a-secret-of-sufficient-length';
const NOW_MS = 1_800_000_000_000;

function authenticator(revoked: string[] = [], maxTokenAgeSeconds = 0, maxCachedTokens = 100): Authenticator {
  return new Authenticator({
    keys: [{ keyId: 'k1', secret: SECRET }],
    maxTokenAgeSeconds,
    clockSkewSeconds: 300,
    maxCachedTokens,
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

  describe('verified-token cache', () => {
    it('still refuses a cached token once its install is revoked', async () => {
      const server = await startTestRedis();
      const redis = new Redis(server.url, { maxRetriesPerRequest: 0 });
      onTestFinished(async () => {
        redis.disconnect();
        await server.stop();
      });
      const auth = new Authenticator({
        keys: [{ keyId: 'k1', secret: SECRET }],
        maxTokenAgeSeconds: 0,
        clockSkewSeconds: 300,
        maxCachedTokens: 100,
        revocation: new RevocationList({
          revokedInstallIds: [],
          redis,
          cacheSeconds: 30,
          maxCachedInstalls: 10,
          onRedisError: () => {},
        }),
      });
      const header = `Bearer ${token('i-1')}`;
      expect((await auth.authenticate(header, NOW_MS)).ok).toBe(true);
      expect((await auth.authenticate(header, NOW_MS + 1000)).ok).toBe(true);
      await redis.sadd(REVOKED_SET_KEY, 'i-1');
      expect(await auth.authenticate(header, NOW_MS + 31_000)).toMatchObject({
        ok: false,
        reason: 'revoked',
      });
    });

    it('still expires a cached token', async () => {
      const auth = authenticator([], 60);
      const header = `Bearer ${token('i-1', NOW_MS / 1000 - 5)}`;
      expect((await auth.authenticate(header, NOW_MS)).ok).toBe(true);
      expect(await auth.authenticate(header, NOW_MS + 56_000)).toMatchObject({
        ok: false,
        reason: 'expired',
      });
    });

    it('never accepts a tampered copy of a cached token', async () => {
      const auth = authenticator();
      const valid = token('i-1');
      expect((await auth.authenticate(`Bearer ${valid}`, NOW_MS)).ok).toBe(true);
      const forged = valid.slice(0, -2) + (valid.endsWith('AA') ? 'BB' : 'AA');
      expect(await auth.authenticate(`Bearer ${forged}`, NOW_MS)).toMatchObject({
        ok: false,
        reason: 'bad_signature',
      });
    });

    it.each(['i-1', 'ïnstall-✓-日本', 'x'.repeat(128)])(
      'gives a cached token the principal its verification gave (install id %s)',
      async (installId) => {
        const auth = authenticator();
        const header = `Bearer ${token(installId)}`;
        const first = await auth.authenticate(header, NOW_MS);
        expect(first).toEqual({ ok: true, principal: { installId, keyId: 'k1' } });
        expect(await auth.authenticate(header, NOW_MS + 1000)).toEqual(first);
      },
    );

    it.each([0, 1, 2])('answers the same with maxCachedTokens = %i', async (maxCachedTokens) => {
      const auth = authenticator(['i-bad'], 0, maxCachedTokens);
      for (let round = 0; round < 3; round++) {
        for (const installId of ['i-1', 'i-2', 'i-3', 'i-bad']) {
          const result = await auth.authenticate(`Bearer ${token(installId)}`, NOW_MS + round);
          expect(result.ok).toBe(installId !== 'i-bad');
        }
      }
    });
  });
});
