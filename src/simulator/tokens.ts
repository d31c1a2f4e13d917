// Install tokens for simulated installs. Each install gets its own token, as real installs do, so
// the gateway's per-install checks (instance id = token install id, per-install rate limit) see a
// realistic fleet rather than one client.
import { mintInstallToken } from '../gateway/auth/index.js';

export type TokenSource = (installId: string) => string;

export function signingKeyTokenSource(keyId: string, secret: string): TokenSource {
  const cache = new Map<string, string>();
  return (installId) => {
    let token = cache.get(installId);
    if (token === undefined) {
      token = mintInstallToken({ installId, keyId, secret });
      cache.set(installId, token);
    }
    return token;
  };
}
