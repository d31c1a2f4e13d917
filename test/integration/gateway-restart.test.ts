import { describe } from 'vitest';
import { restartSuite } from './gateway-restart-suite.js';

describe('gateway with in-memory state and a state directory: restarts and outages', () => {
  restartSuite('in-memory');
});
