// Per-install bearer tokens: `fft1.<base64url(JSON{iid,kid,iat})>.<base64url(HMAC-SHA256)>`.
//
// A desktop app cannot keep a fleet-wide secret, so each install gets its own token, minted by the
// backend that provisions installs. A token extracted from one machine speaks only for that
// install: the pipeline checks that the resource's service.instance.id equals the token's install
// id, it is rate-limited per install, and it can be revoked. The HMAC covers the exact payload
// bytes, so the payload is parsed only after the signature has been checked.

import { createHmac, timingSafeEqual } from 'node:crypto';

export const TOKEN_PREFIX = 'fft1';
/** Generous bound: a real token is ~150 bytes; anything larger is rejected before hashing. */
export const MAX_TOKEN_LENGTH = 1024;
export const MAX_INSTALL_ID_LENGTH = 128;

export interface InstallTokenClaims {
  installId: string;
  keyId: string;
  issuedAtSeconds: number;
}

export interface MintInstallTokenOptions {
  installId: string;
  keyId: string;
  secret: string;
  issuedAtSeconds?: number;
}

export function mintInstallToken(options: MintInstallTokenOptions): string {
  if (options.installId === '' || options.installId.length > MAX_INSTALL_ID_LENGTH) {
    throw new Error(`installId must be 1..${MAX_INSTALL_ID_LENGTH} characters`);
  }
  const claims = {
    iid: options.installId,
    kid: options.keyId,
    iat: options.issuedAtSeconds ?? Math.floor(Date.now() / 1000),
  };
  const payload = Buffer.from(JSON.stringify(claims), 'utf8').toString('base64url');
  return `${TOKEN_PREFIX}.${payload}.${sign(payload, options.secret).toString('base64url')}`;
}

export type TokenFailure = 'malformed' | 'unknown_key' | 'bad_signature' | 'expired' | 'not_yet_valid';

export type TokenVerification =
  { ok: true; claims: InstallTokenClaims } | { ok: false; reason: TokenFailure };

export interface VerifyOptions {
  /** 0 = tokens never expire. */
  maxAgeSeconds?: number;
  /** Tolerated clock skew for tokens issued "in the future". */
  clockSkewSeconds?: number;
}

/**
 * Verifies signature and age. Revocation is checked separately (it may need Redis).
 * `keys` maps keyId → secret.
 */
export function verifyInstallToken(
  token: string,
  keys: ReadonlyMap<string, string>,
  nowSeconds: number,
  options: VerifyOptions = {},
): TokenVerification {
  if (token.length > MAX_TOKEN_LENGTH) return { ok: false, reason: 'malformed' };
  const firstDot = token.indexOf('.');
  const lastDot = token.lastIndexOf('.');
  if (firstDot < 0 || lastDot === firstDot || token.slice(0, firstDot) !== TOKEN_PREFIX) {
    return { ok: false, reason: 'malformed' };
  }
  const payload = token.slice(firstDot + 1, lastDot);
  const signature = Buffer.from(token.slice(lastDot + 1), 'base64url');
  const claims = parseClaims(payload);
  if (claims === undefined) return { ok: false, reason: 'malformed' };
  const secret = keys.get(claims.keyId);
  if (secret === undefined) return { ok: false, reason: 'unknown_key' };
  const expected = sign(payload, secret);
  // Length differs only for garbage; timingSafeEqual requires equal lengths.
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    return { ok: false, reason: 'bad_signature' };
  }
  return checkTokenAge(claims, nowSeconds, options);
}

/** The time-dependent part of verification: must be rechecked whenever verified claims are reused. */
export function checkTokenAge(
  claims: InstallTokenClaims,
  nowSeconds: number,
  options: VerifyOptions = {},
): TokenVerification {
  const skew = options.clockSkewSeconds ?? 300;
  if (claims.issuedAtSeconds > nowSeconds + skew) return { ok: false, reason: 'not_yet_valid' };
  const maxAge = options.maxAgeSeconds ?? 0;
  if (maxAge > 0 && nowSeconds - claims.issuedAtSeconds > maxAge) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}

function sign(payload: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(payload).digest();
}

// Claims are parsed before the signature check only to learn which key to check with; nothing else
// in them is trusted until the HMAC matches.
function parseClaims(payload: string): InstallTokenClaims | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { iid, kid, iat } = parsed as Record<string, unknown>;
  if (typeof iid !== 'string' || iid === '' || iid.length > MAX_INSTALL_ID_LENGTH) return undefined;
  if (typeof kid !== 'string' || kid === '') return undefined;
  if (typeof iat !== 'number' || !Number.isSafeInteger(iat) || iat < 0) return undefined;
  return { installId: iid, keyId: kid, issuedAtSeconds: iat };
}
