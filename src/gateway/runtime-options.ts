// V8 options the gateway process runs with. They must be set before the process starts, so every
// launcher applies them: `npm run stack` and the test stacks (src/stack/gateway-process.ts), the
// benchmark, and the Docker image (Dockerfile `ENV` and `CMD`).
//
// --max-semi-space-size=64 (MiB; Node 20's default is 16). Every request's decoded data is young
// garbage, and what is still in flight when a scavenge runs is copied, so small semi-spaces mean
// frequent scavenges that each copy the same in-flight data. Measured with `npm run bench:gateway`
// (docs/gateway.md, "The p99 tail"): on a quiet machine p99 at half the peak rate was 7-38 ms (two of
// four shapes over 25 ms) with the default and 9-21 ms in every shape of four runs with 64 MiB, at
// the same throughput; it costs up to ~150 MiB more at full load. Override with NODE_OPTIONS.

export const GATEWAY_NODE_OPTIONS = '--max-semi-space-size=64';

// --initial-old-space-size=128 (MiB), which Node refuses in NODE_OPTIONS, so every launcher puts it
// on the command line before the entry point (the Docker image's CMD too). Traced late in a long
// run without it (`--trace-incremental-marking`): after each full GC the old generation's limit was
// ~90 MB with ~19 MB live, and the next full GC started with no old-generation growth at all, about
// once a second; V8 also starts marking when the slack under the limit is not much more than the
// young generation's 64 MiB. Each full GC's pause and concurrent marking is what the p99 misses of
// `npm run bench:gateway` coincided with. The initial size is a floor under the limit, so full GCs
// wait until the old generation really grows. Measured: docs/gateway.md, "The old generation's
// floor". Costs up to ~100 MiB more resident memory before a full GC returns it.
export const GATEWAY_NODE_ARGS: readonly string[] = ['--initial-old-space-size=128'];

/** NODE_OPTIONS for a gateway process: ours first, the inherited ones after (a later V8 flag wins). */
export function gatewayNodeOptions(inherited: string | undefined): string {
  return inherited ? `${GATEWAY_NODE_OPTIONS} ${inherited}` : GATEWAY_NODE_OPTIONS;
}
