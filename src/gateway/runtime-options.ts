// V8 options the gateway process runs with. They must be set before the process starts, so every
// launcher applies them: `npm run stack` and the test stacks (src/stack/gateway-process.ts), the
// benchmark, and the Docker image (Dockerfile `ENV` and `CMD`; a unit test keeps them equal).

// A larger young generation (MiB; Node 20's default is 16): every request's decoded data is young
// garbage, and each scavenge copies whatever requests are in flight, so fewer scavenges copy less.
// Why 64: docs/decisions/0002-young-generation-size.md. Override with NODE_OPTIONS.
export const GATEWAY_NODE_OPTIONS = '--max-semi-space-size=64';

// A floor under the old generation's limit (MiB), so a full GC waits until the old generation has
// really grown instead of starting whenever its small live size sits near the limit. Node refuses
// this flag in NODE_OPTIONS, so launchers put it on the command line before the entry point. Why:
// docs/decisions/0001-old-generation-floor.md.
export const GATEWAY_NODE_ARGS: readonly string[] = ['--initial-old-space-size=128'];

/** NODE_OPTIONS for a gateway process: ours first, the inherited ones after (a later V8 flag wins). */
export function gatewayNodeOptions(inherited: string | undefined): string {
  return inherited ? `${GATEWAY_NODE_OPTIONS} ${inherited}` : GATEWAY_NODE_OPTIONS;
}
