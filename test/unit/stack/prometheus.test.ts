import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderPrometheusConfig, repoPath } from '../../../src/stack/index.js';

interface Rendered {
  global: { scrape_interval: string; evaluation_interval: string };
  rule_files: string[];
  storage: { exemplars: { max_exemplars: number }; tsdb: { out_of_order_time_window: string } };
  scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
}

describe('renderPrometheusConfig', () => {
  const rendered = parse(
    renderPrometheusConfig({
      targets: { gateway: ['127.0.0.1:1111', '127.0.0.1:2222'], 'otel-collector': ['127.0.0.1:3333'] },
      intervalSeconds: 2,
    }),
  ) as Rendered;

  it('replaces the targets of the named jobs and keeps the others', () => {
    const targets = Object.fromEntries(
      rendered.scrape_configs.map((job) => [job.job_name, job.static_configs]),
    );
    expect(targets.gateway).toEqual([{ targets: ['127.0.0.1:1111', '127.0.0.1:2222'] }]);
    expect(targets['otel-collector']).toEqual([{ targets: ['127.0.0.1:3333'] }]);
    expect(targets.prometheus).toEqual([{ targets: ['localhost:9090'] }]);
  });

  it('makes rule file globs absolute inside the repository', () => {
    expect(rendered.rule_files).toEqual([repoPath('prometheus', 'rules/*.yml')]);
  });

  it('overrides the intervals and keeps exemplar storage and the out-of-order window', () => {
    expect(rendered.global).toMatchObject({ scrape_interval: '2s', evaluation_interval: '2s' });
    expect(rendered.storage.exemplars.max_exemplars).toBeGreaterThan(0);
    expect(rendered.storage.tsdb.out_of_order_time_window).toBe('1h');
  });
});
