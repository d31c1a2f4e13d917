export { Authenticator } from './authenticator.js';
export type { AuthFailureReason, AuthResult, AuthenticatorOptions, Principal } from './authenticator.js';
export {
  MAX_INSTALL_ID_LENGTH,
  MAX_TOKEN_LENGTH,
  TOKEN_PREFIX,
  mintInstallToken,
  verifyInstallToken,
} from './install-token.js';
export type {
  InstallTokenClaims,
  MintInstallTokenOptions,
  TokenFailure,
  TokenVerification,
  VerifyOptions,
} from './install-token.js';
export { REVOKED_SET_KEY, RevocationList } from './revocation.js';
export type { RevocationOptions } from './revocation.js';
export {
  KEY_ID_PATTERN,
  MAX_KEY_ID_LENGTH,
  MIN_SECRET_LENGTH,
  isValidKeyId,
  parseSigningKeys,
} from './signing-keys.js';
export type { SigningKey } from './signing-keys.js';
