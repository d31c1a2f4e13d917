// `npm run stack`: the native pipeline in the foreground on loopback, until Ctrl-C or SIGTERM.
import { parseArgs } from 'node:util';
import { startStack } from './stack.js';

const HELP = `Usage: npm run stack -- [options]
  --gateway-port N          gateway OTLP/HTTP port (env FILESFU_STACK_GATEWAY_PORT, default 4318)
  --prometheus-port N       Prometheus port (env FILESFU_STACK_PROMETHEUS_PORT, default 9090)
  --collector-port N        collector OTLP/HTTP port (env FILESFU_STACK_COLLECTOR_PORT, default 4319)
  --collector-health-port N collector health_check port (env FILESFU_STACK_COLLECTOR_HEALTH_PORT, default 13133)
  --collector-metrics-port N collector self-metrics port (env FILESFU_STACK_COLLECTOR_METRICS_PORT, default 8888)
  --state-dir DIR           keep the gateways' checkpoints here, across stack runs (default: the run's
                            data directory)
  --redis                   also start redis-server and share gateway state through it
  --replicas N              gateway replicas (default 1; extra replicas take free ports)
  --verbose                 echo every component's log to this terminal`;

function port(flag: string | undefined, envName: string, fallback: number): number {
  const raw = flag ?? process.env[envName];
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    console.error(`invalid port ${JSON.stringify(raw)} (${flag !== undefined ? 'flag' : envName}); ${HELP}`);
    process.exit(2);
  }
  return value;
}

const { values } = parseArgs({
  options: {
    'gateway-port': { type: 'string' },
    'prometheus-port': { type: 'string' },
    'collector-port': { type: 'string' },
    'collector-health-port': { type: 'string' },
    'collector-metrics-port': { type: 'string' },
    'state-dir': { type: 'string' },
    redis: { type: 'boolean', default: false },
    replicas: { type: 'string', default: '1' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.verbose) process.env.FILESFU_STACK_ECHO = '1';
const replicas = Number(values.replicas);
if (!Number.isInteger(replicas) || replicas < 1) {
  console.error(
    `invalid --replicas ${JSON.stringify(values.replicas)}: expected a whole number >= 1; ${HELP}`,
  );
  process.exit(2);
}

const stack = await startStack({
  gatewayPort: port(values['gateway-port'], 'FILESFU_STACK_GATEWAY_PORT', 4318),
  prometheusPort: port(values['prometheus-port'], 'FILESFU_STACK_PROMETHEUS_PORT', 9090),
  collectorPorts: {
    otlpHttp: port(values['collector-port'], 'FILESFU_STACK_COLLECTOR_PORT', 4319),
    health: port(values['collector-health-port'], 'FILESFU_STACK_COLLECTOR_HEALTH_PORT', 13133),
    metrics: port(values['collector-metrics-port'], 'FILESFU_STACK_COLLECTOR_METRICS_PORT', 8888),
  },
  redis: values.redis,
  gatewayReplicas: replicas,
  ...(values['state-dir'] !== undefined ? { gatewayStateDir: values['state-dir'] } : {}),
});

const demoInstall = 'demo-install';
console.log(`
FilesFU stack is up (logs and data in ${stack.workDir})
  gateway      ${stack.gatewayUrls.join(', ')}   POST /v1/metrics  ·  /metrics  /readyz  /healthz
  collector    ${stack.collectorOtlpUrl} (OTLP/HTTP, fed by the gateway only)
  prometheus   ${stack.prometheusUrl}${stack.redisUrl ? `\n  redis        ${stack.redisUrl}` : ''}

A token for install "${demoInstall}":
  export TOKEN=${stack.mintToken(demoInstall)}
(To mint tokens for other installs, start the stack with FILESFU_STACK_AUTH_SECRET=<secret> set, then
  FILESFU_GATEWAY_AUTH_KEYS=${stack.authKeyId}:<secret> npm run token -- --install <id>)
Try: see README.md "Send one request by hand". Ctrl-C stops everything.`);

let stopping = false;
const shutdown = (signal: string) => {
  if (stopping) {
    // A second Ctrl-C: stop waiting. The exit hook kills the children that are still running.
    console.log(`\n${signal} again: killing what is left`);
    process.exit(130);
  }
  stopping = true;
  console.log(`\n${signal}: stopping gateway, collector, Prometheus${stack.redisUrl ? ', Redis' : ''}…`);
  void stack.stop().then(() => process.exit(0));
};
process.on('SIGINT', () => shutdown('SIGINT'));
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGHUP', () => shutdown('SIGHUP')); // the terminal went away: still stop in order
