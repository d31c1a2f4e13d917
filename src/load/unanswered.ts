// Whether an attempt that got no answer may still have been counted by the gateway: a refused
// connection (nothing listening, e.g. a gateway restarting) never carried the request; a reset, a
// timeout or a hang-up after the request was written may have.

const NEVER_SENT = new Set(['ECONNREFUSED']);

/** `error` as thrown by node:http (its `code`) or by fetch (the `code` of its `cause`). */
export function mayHaveBeenCounted(error: unknown): boolean {
  const code = errorCode(error) ?? errorCode((error as { cause?: unknown } | undefined)?.cause);
  return code === undefined || !NEVER_SENT.has(code);
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
