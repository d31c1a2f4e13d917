import { errorCatalogue, gatewayErrorCodes } from './catalogue.js';

/** The error-code table of docs/gateway.md, generated so that it cannot drift from the catalogue. */
export function renderErrorReference(): string {
  const lines = ['| code | HTTP | retryable | google.rpc.Code | message |', '|---|---|---|---|---|'];
  for (const code of gatewayErrorCodes) {
    const entry = errorCatalogue[code];
    lines.push(
      `| \`${code}\` | ${entry.status} | ${entry.retryable ? 'yes' : 'no'} | ${entry.rpcCode} | ${entry.template.replace(/\|/g, '\\|')} |`,
    );
  }
  return lines.join('\n');
}
