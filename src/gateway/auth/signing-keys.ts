// Signing keys for install tokens. Several may be active at once so that a key can be rotated:
// mint with the new key, keep verifying the old one until every install has a new token, then
// remove it.

export interface SigningKey {
  keyId: string;
  secret: string;
}

export const MIN_SECRET_LENGTH = 16;
export const MAX_KEY_ID_LENGTH = 64;
export const KEY_ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_KEY_ID_LENGTH}}$`);

/** Parses FILESFU_GATEWAY_AUTH_KEYS: "keyId:secret[,keyId:secret]". Throws with a message that never contains a secret. */
export function parseSigningKeys(text: string): SigningKey[] {
  const keys: SigningKey[] = [];
  for (const [index, entry] of text.split(',').entries()) {
    const trimmed = entry.trim();
    if (trimmed === '') continue;
    const colon = trimmed.indexOf(':');
    if (colon <= 0) {
      throw new Error(`entry #${index + 1} is not "keyId:secret"`);
    }
    const keyId = trimmed.slice(0, colon);
    const secret = trimmed.slice(colon + 1);
    if (!KEY_ID_PATTERN.test(keyId)) {
      throw new Error(`entry #${index + 1}: keyId must match ${KEY_ID_PATTERN.source}`);
    }
    if (secret.length < MIN_SECRET_LENGTH) {
      throw new Error(`key "${keyId}": secret must be at least ${MIN_SECRET_LENGTH} characters`);
    }
    keys.push({ keyId, secret });
  }
  return keys;
}

export function isValidKeyId(keyId: string): boolean {
  return KEY_ID_PATTERN.test(keyId);
}
