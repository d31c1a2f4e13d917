import { defineConfig } from 'vitest/config';

// Two projects: unit tests mirror src/ and run in parallel; integration tests start real processes
// (collector, Prometheus, Redis, gateways) on free loopback ports and run one file at a time so that
// a 2-core CI machine is not oversubscribed.
const CALIBRATION = [
  'test/unit/report/triage/replay.test.ts',
  'test/unit/report/triage/fault-classes.test.ts',
  'test/unit/report/triage/scenario-seeds.test.ts',
];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          exclude: CALIBRATION,
          testTimeout: 20_000,
        },
      },
      {
        // The triage's statistical calibration over many random fleets (issue #19): minutes of one
        // core each, so its own project (`npm run test:calibration`); `npm test` runs it too.
        test: {
          name: 'calibration',
          include: CALIBRATION,
          testTimeout: 600_000,
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
