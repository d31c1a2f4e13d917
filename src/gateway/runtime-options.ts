// V8 options the gateway process runs with. They must be set before the process starts, so every
// launcher applies them through NODE_OPTIONS: `npm run stack` and the test stacks
// (src/stack/gateway-process.ts), the benchmark, and the Docker image (Dockerfile `ENV`).
//
// --max-semi-space-size=64 (MiB; Node 20's default is 16). Every request's decoded data is young
// garbage, and what is still in flight when a scavenge runs is copied, so small semi-spaces mean
// frequent scavenges that each copy the same in-flight data. Measured with `npm run bench:gateway`
// (docs/gateway.md, "The p99 tail"): on a quiet machine p99 at half the peak rate was 7-38 ms (two of
// four shapes over 25 ms) with the default and 9-21 ms in every shape of four runs with 64 MiB, at
// the same throughput; it costs up to ~150 MiB more at full load. Override with NODE_OPTIONS.

export const GATEWAY_NODE_OPTIONS = '--max-semi-space-size=64';

/** NODE_OPTIONS for a gateway process: ours first, the inherited ones after (a later V8 flag wins). */
export function gatewayNodeOptions(inherited: string | undefined): string {
  return inherited ? `${GATEWAY_NODE_OPTIONS} ${inherited}` : GATEWAY_NODE_OPTIONS;
}
