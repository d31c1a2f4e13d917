import { gatewayError, type GatewayError } from '../errors/index.js';
import { verifyInstallToken, type TokenFailure } from './install-token.js';
import type { RevocationList } from './revocation.js';
import type { SigningKey } from './signing-keys.js';

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
}

const BEARER = /^Bearer[ ]+(\S+)\s*$/i;

/** Turns an Authorization header into a Principal, or the 401 to answer with. */
export class Authenticator {
  private readonly secrets: ReadonlyMap<string, string>;

  constructor(private readonly options: AuthenticatorOptions) {
    this.secrets = new Map(options.keys.map((key) => [key.keyId, key.secret]));
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
    const verified = verifyInstallToken(token, this.secrets, Math.floor(nowMs / 1000), {
      maxAgeSeconds: this.options.maxTokenAgeSeconds,
      clockSkewSeconds: this.options.clockSkewSeconds,
    });
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
}

function failure(reason: TokenFailure): AuthResult {
  return {
    ok: false,
    reason,
    error: gatewayError('FILESFU_GW_AUTH_INVALID', { reason: reason.replace(/_/g, ' ') }),
  };
}
