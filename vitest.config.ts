import { defineConfig } from 'vitest/config';

// Two projects: unit tests mirror src/ and run in parallel; integration tests start real processes
// (collector, Prometheus, Redis, gateways) on free loopback ports and run one file at a time so that
// a 2-core CI machine is not oversubscribed.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          testTimeout: 240_000,
          hookTimeout: 240_000,
          fileParallelism: false,
          pool: 'forks',
        },
      },
    ],
  },
});
