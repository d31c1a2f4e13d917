import { gatewayError, type GatewayError } from '../errors/index.js';
import {
  MAX_INSTALL_ID_LENGTH,
  checkTokenAge,
  mintInstallToken,
  verifyInstallToken,
  type InstallTokenClaims,
  type TokenFailure,
  type TokenVerification,
} from './install-token.js';
import type { RevocationList } from './revocation.js';
import { MAX_KEY_ID_LENGTH, type SigningKey } from './signing-keys.js';
import { BoundedCache } from '../common/bounded-cache.js';

export interface Principal {
  installId: string;
  keyId: string;
}

/** Label values of filesfu_gateway_auth_failures_total{reason}. */
export type AuthFailureReason = 'missing' | TokenFailure | 'revoked';

export type AuthResult =
  { ok: true; principal: Principal } | { ok: false; reason: AuthFailureReason; error: GatewayError };

export interface AuthenticatorOptions {
  keys: readonly SigningKey[];
  maxTokenAgeSeconds: number;
  clockSkewSeconds: number;
  revocation: RevocationList;
  /**
   * Tokens whose signature was verified, kept so that an install's next export skips the base64url
   * decode, JSON.parse and HMAC (0 = no cache). Age and revocation are still checked on every request.
   */
  maxCachedTokens: number;
}

const BEARER = /^Bearer[ ]+(\S+)\s*$/i;
/**
 * Cached tokens are kept off the heap up to the longest token mintInstallToken makes (longest install
 * id and key id): ~350 characters; a UUID install's token is ~150-170.
 */
const MAX_INLINE_TOKEN_LENGTH = mintInstallToken({
  installId: 'i'.repeat(MAX_INSTALL_ID_LENGTH),
  keyId: 'k'.repeat(MAX_KEY_ID_LENGTH),
  secret: 'length only',
  issuedAtSeconds: 9_999_999_999,
}).length;

/** Turns an Authorization header into a Principal, or the 401 to answer with. */
export class Authenticator {
  private readonly secrets: ReadonlyMap<string, string>;
  // Token → its verified claims. Signing keys are fixed for this object's life, so a signature that
  // verified once verifies again.
  private readonly verifiedTokens: BoundedCache<InstallTokenClaims>;

  constructor(private readonly options: AuthenticatorOptions) {
    this.secrets = new Map(options.keys.map((key) => [key.keyId, key.secret]));
    this.verifiedTokens = new BoundedCache(options.maxCachedTokens, MAX_INLINE_TOKEN_LENGTH);
  }

  async authenticate(authorization: string | undefined, nowMs = Date.now()): Promise<AuthResult> {
    if (authorization === undefined || authorization === '') {
      return { ok: false, reason: 'missing', error: gatewayError('FILESFU_GW_AUTH_MISSING') };
    }
    const match = BEARER.exec(authorization);
    const token = match?.[1];
    if (token === undefined) {
      return failure('malformed');
    }
    const verified = this.verify(token, Math.floor(nowMs / 1000));
    if (!verified.ok) {
      if (verified.reason === 'expired') {
        return {
          ok: false,
          reason: 'expired',
          error: gatewayError('FILESFU_GW_AUTH_EXPIRED', { maxAgeSeconds: this.options.maxTokenAgeSeconds }),
        };
      }
      return failure(verified.reason);
    }
    const { installId, keyId } = verified.claims;
    const revoked =
      this.options.revocation.cachedAnswer(installId, nowMs) ??
      (await this.options.revocation.isRevoked(installId, nowMs));
    if (revoked) {
      return { ok: false, reason: 'revoked', error: gatewayError('FILESFU_GW_AUTH_REVOKED') };
    }
    return { ok: true, principal: { installId, keyId } };
  }

  private verify(token: string, nowSeconds: number): TokenVerification {
    const ageLimits = {
      maxAgeSeconds: this.options.maxTokenAgeSeconds,
      clockSkewSeconds: this.options.clockSkewSeconds,
    };
    const cached = this.verifiedTokens.get(token);
    if (cached !== undefined) return checkTokenAge(cached, nowSeconds, ageLimits);
    const verified = verifyInstallToken(token, this.secrets, nowSeconds, ageLimits);
    if (verified.ok) this.verifiedTokens.set(token, verified.claims);
    return verified;
  }
}

function failure(reason: TokenFailure): AuthResult {
  return {
    ok: false,
    reason,
    error: gatewayError('FILESFU_GW_AUTH_INVALID', { reason: reason.replace(/_/g, ' ') }),
  };
}
