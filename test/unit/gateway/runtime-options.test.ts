import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  GATEWAY_NODE_ARGS,
  GATEWAY_NODE_OPTIONS,
  gatewayNodeOptions,
} from '../../../src/gateway/runtime-options.js';

describe('gatewayNodeOptions', () => {
  it('is the gateway options alone when nothing is inherited', () => {
    expect(gatewayNodeOptions(undefined)).toBe(GATEWAY_NODE_OPTIONS);
    expect(gatewayNodeOptions('')).toBe(GATEWAY_NODE_OPTIONS);
  });

  it("puts inherited options last, so an operator's own V8 flag wins", () => {
    expect(gatewayNodeOptions('--max-semi-space-size=32 --trace-gc')).toBe(
      `${GATEWAY_NODE_OPTIONS} --max-semi-space-size=32 --trace-gc`,
    );
  });
});

describe('GATEWAY_NODE_ARGS', () => {
  it('are accepted by this node on the command line, with the NODE_OPTIONS beside them', () => {
    // node exits 9 on an unknown or misspelt V8 flag.
    const run = spawnSync(process.execPath, [...GATEWAY_NODE_ARGS, '-e', ''], {
      env: { ...process.env, NODE_OPTIONS: gatewayNodeOptions(undefined) },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
