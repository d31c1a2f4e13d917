import fc from 'fast-check';
import { describe, it } from 'vitest';
import { MemoryStateStore } from '../../../../src/gateway/state/index.js';
import { checkSessionWindows, simulationOptions } from './session-check.js';
import { sessionSpec } from './session-simulation.js';

describe('session windows of the state store', () => {
  it('match the brute-force reference over random sessions, batches, retries and replays (memory)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(sessionSpec, { minLength: 1, maxLength: 4 }), fc.integer(), (specs, seed) =>
        checkSessionWindows(specs, seed, async () => [new MemoryStateStore(simulationOptions)]),
      ),
      { numRuns: 400 },
    );
  });
});
