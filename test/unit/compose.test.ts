import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { GATEWAY_NODE_ARGS, GATEWAY_NODE_OPTIONS } from '../../src/gateway/runtime-options.js';
import { PROMETHEUS_FEATURE_FLAGS, repoPath } from '../../src/stack/index.js';

// Docker can't run here, so docker-compose.yml is checked for validity and for consistency with the
// config files the native stack runs (the same files are mounted into the containers).

interface ComposeService {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, unknown>;
  profiles?: string[];
}
interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

const compose = parse(readFileSync(repoPath('docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
const services = compose.services;
const service = (name: string): ComposeService => {
  const found = services[name];
  if (!found) throw new Error(`docker-compose.yml has no service ${name}`);
  return found;
};
const hostPort = (url: string) => new URL(url).port;

describe('Dockerfile', () => {
  it('runs the gateway with the same V8 options as the native launchers', () => {
    const dockerfile = readFileSync(repoPath('Dockerfile'), 'utf8');
    const runtimeStage = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    const cmd = /^CMD (\[.*\])$/m.exec(runtimeStage)?.[1];
    expect(cmd && JSON.parse(cmd)).toEqual(['node', ...GATEWAY_NODE_ARGS, 'dist/gateway/main.js']);
    expect(/^ENV NODE_OPTIONS=(.*)$/m.exec(runtimeStage)?.[1]).toBe(GATEWAY_NODE_OPTIONS);
  });
});

describe('docker-compose.yml', () => {
  it('has the required services', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'gateway',
        'otel-collector',
        'prometheus',
        'grafana',
        'redis',
        'simulator',
        'k6',
      ]),
    );
    expect(service('simulator').profiles).toEqual(['demo']);
    expect(service('k6').profiles).toEqual(['load']);
  });

  it('pins every image and depends only on defined services', () => {
    for (const [name, svc] of Object.entries(services)) {
      if (svc.image) expect(svc.image, name).toMatch(/:v?[0-9][\w.-]*$|:local$/);
      else expect(svc.build, `${name} has neither image nor build`).toBeDefined();
      const deps = Array.isArray(svc.depends_on) ? svc.depends_on : Object.keys(svc.depends_on ?? {});
      for (const dep of deps) expect(Object.keys(services), `${name} depends on ${dep}`).toContain(dep);
    }
  });

  it('mounts files that exist in the repository', () => {
    for (const [name, svc] of Object.entries(services)) {
      for (const volume of svc.volumes ?? []) {
        const [source] = volume.split(':');
        if (source?.startsWith('./')) expect(existsSync(repoPath(source)), `${name}: ${source}`).toBe(true);
        else expect(Object.keys(compose.volumes ?? {}), `${name}: named volume ${source}`).toContain(source);
      }
    }
  });

  it('runs the collector image of the same release as our collector build', () => {
    const manifest = readFileSync(repoPath('otel-collector', 'builder-config.yaml'), 'utf8');
    const coreRelease = /collector\/receiver\/otlpreceiver v(\d+\.\d+)\./.exec(manifest)?.[1];
    expect(coreRelease).toBeDefined();
    expect(service('otel-collector').image).toContain(`:${coreRelease}.`);
    expect(service('otel-collector').volumes).toContain(
      './otel-collector/config.yaml:/etc/otelcol/config.yaml:ro',
    );
  });

  it('sets every env var the collector config reads', () => {
    const config = readFileSync(repoPath('otel-collector', 'config.yaml'), 'utf8');
    const referenced = [...config.matchAll(/\$\{env:([A-Z0-9_]+)/g)].map((match) => match[1]);
    const optional = new Set(['FILESFU_COLLECTOR_LOG_LEVEL', 'FILESFU_COLLECTOR_MEMORY_LIMIT_MIB']);
    const env = service('otel-collector').environment ?? {};
    for (const name of referenced)
      if (name && !optional.has(name)) expect(Object.keys(env), name).toContain(name);
  });

  it('passes Prometheus the same feature flags as the native stack and mounts its rules', () => {
    const prometheus = service('prometheus');
    for (const flag of PROMETHEUS_FEATURE_FLAGS) expect(prometheus.command).toContain(flag);
    expect(prometheus.image).toBe('prom/prometheus:v2.42.0');
    expect(prometheus.volumes).toContain('./prometheus/rules:/etc/prometheus/rules:ro');
  });

  it('wires ports and hostnames consistently with prometheus.yml and the gateway', () => {
    const gatewayEnv = service('gateway').environment ?? {};
    const collectorEnv = service('otel-collector').environment ?? {};
    const collectorUrl = gatewayEnv.FILESFU_GATEWAY_COLLECTOR_URL ?? '';
    expect(new URL(collectorUrl).hostname).toBe('otel-collector');
    expect(hostPort(collectorUrl)).toBe(collectorEnv.FILESFU_COLLECTOR_OTLP_HTTP_ENDPOINT?.split(':')[1]);
    expect(new URL(collectorEnv.FILESFU_PROMETHEUS_REMOTE_WRITE_URL ?? '').hostname).toBe('prometheus');
    expect(new URL(gatewayEnv.FILESFU_GATEWAY_REDIS_URL ?? '').hostname).toBe('redis');

    const promConfig = parse(readFileSync(repoPath('prometheus', 'prometheus.yml'), 'utf8')) as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
    };
    const targets = Object.fromEntries(
      promConfig.scrape_configs.map((job) => [job.job_name, job.static_configs[0]?.targets[0]]),
    );
    expect(targets.gateway).toBe(`gateway:${gatewayEnv.FILESFU_GATEWAY_PORT}`);
    expect(targets['otel-collector']).toBe(`otel-collector:${collectorEnv.FILESFU_COLLECTOR_METRICS_PORT}`);
  });

  it('provisions Grafana from the committed provisioning and dashboards', () => {
    const grafana = service('grafana');
    expect(grafana.volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    expect(grafana.volumes).toContain('./grafana/dashboards:/var/lib/grafana/dashboards:ro');
    const home = grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? '';
    expect(existsSync(repoPath('grafana', 'dashboards', home.split('/').pop() ?? ''))).toBe(true);
  });

  it('gives the simulator the signing key the gateway verifies with', () => {
    const keys = service('gateway').environment?.FILESFU_GATEWAY_AUTH_KEYS ?? '';
    const simulator = service('simulator').environment ?? {};
    expect(keys).toBe(`${simulator.FILESFU_TOKEN_KEY_ID}:${simulator.FILESFU_TOKEN_SECRET}`);
  });

  it('points the demo and load profiles at files that exist', () => {
    const scenario = service('simulator').command?.find((arg) => arg.startsWith('--scenario='));
    expect(existsSync(repoPath(scenario?.slice('--scenario='.length) ?? 'missing'))).toBe(true);
    const script = service('k6').command?.find((arg) => arg.endsWith('.js')) ?? '';
    expect(existsSync(repoPath(script.replace(/^\/load\//, 'load/')))).toBe(true);
  });
});
