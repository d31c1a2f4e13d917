// `npm run token -- --install <id> [--key-id <k>] [--issued-at <unix seconds>]`
// Mints an install token with a key from FILESFU_GATEWAY_AUTH_KEYS (default: the first key) and
// prints only the token, so it can be captured by a provisioning script.

import { parseArgs } from 'node:util';
import { mintInstallToken } from './install-token.js';
import { parseSigningKeys } from './signing-keys.js';

function main(): number {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        install: { type: 'string' },
        'key-id': { type: 'string' },
        'issued-at': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return usage(undefined);
  if (values.install === undefined || values.install === '') return usage('--install <id> is required');

  let keys;
  try {
    keys = parseSigningKeys(process.env['FILESFU_GATEWAY_AUTH_KEYS'] ?? '');
  } catch (error) {
    return usage(`FILESFU_GATEWAY_AUTH_KEYS: ${error instanceof Error ? error.message : String(error)}`);
  }
  const key = values['key-id'] === undefined ? keys[0] : keys.find((k) => k.keyId === values['key-id']);
  if (key === undefined) {
    return usage(
      values['key-id'] === undefined
        ? 'FILESFU_GATEWAY_AUTH_KEYS is empty: set it to "keyId:secret[,keyId:secret]"'
        : `no key "${values['key-id']}" in FILESFU_GATEWAY_AUTH_KEYS`,
    );
  }
  const issuedAt = values['issued-at'] === undefined ? undefined : Number(values['issued-at']);
  if (issuedAt !== undefined && !Number.isSafeInteger(issuedAt))
    return usage('--issued-at must be unix seconds');
  try {
    process.stdout.write(
      `${mintInstallToken({ installId: values.install, keyId: key.keyId, secret: key.secret, issuedAtSeconds: issuedAt })}\n`,
    );
  } catch (error) {
    return usage(error instanceof Error ? error.message : String(error));
  }
  return 0;
}

function usage(problem: string | undefined): number {
  if (problem !== undefined) process.stderr.write(`error: ${problem}\n`);
  process.stderr.write(
    'usage: FILESFU_GATEWAY_AUTH_KEYS=kid:secret npm run token -- --install <id> [--key-id <kid>] [--issued-at <unix s>]\n',
  );
  return problem === undefined ? 0 : 2;
}

process.exitCode = main();
