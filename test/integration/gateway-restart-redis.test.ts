import { describe } from 'vitest';
import { restartSuite } from './gateway-restart-suite.js';

// The same experiments with the session state in a real redis-server shared through the stack.
describe('gateway with Redis state and a state directory: restarts and outages', () => {
  restartSuite('redis');
});
