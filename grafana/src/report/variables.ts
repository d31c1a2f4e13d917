// The report's variables: threshold, the drill-down version → stage → OS, and the minimum number of
// windows a suspect cell needs.
import {
  CustomVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { LABEL, PROM } from '../../../src/model/index.js';
import { PROMETHEUS_DATASOURCE } from '../datasource.js';

function labelValues(name: string, label: string, description: string, query: string, sort: VariableSort) {
  return new QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(PROMETHEUS_DATASOURCE)
    .query(query)
    .definition(query)
    .refresh(VariableRefresh.OnTimeRangeChanged)
    .sort(sort)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

export function reportVariables() {
  const { version, stage, os } = LABEL;
  const thresholds = `label_values(${PROM.sessionWindows.high}, ${LABEL.threshold})`;
  return [
    // The thresholds the gateways forward (pipeline.sessions.thresholds), lowest first.
    new QueryVariableBuilder('threshold')
      .label('CPU threshold')
      .description(
        'Share of all logical CPUs. A session window is high-CPU when it holds a sustained episode above it ' +
          '(≥ 5 samples in consecutive, mostly-above export intervals).',
      )
      .datasource(PROMETHEUS_DATASOURCE)
      .query(thresholds)
      .definition(thresholds)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.NumericalAsc),
    labelValues(
      'version',
      'Version',
      'Drill-down: the app release.',
      `label_values(${PROM.sessionWindows.active}, ${version})`,
      VariableSort.NaturalDesc,
    ),
    labelValues(
      'stage',
      'Stage',
      'Drill-down: what the app was doing (login, indexing, receiving, …).',
      `label_values(${PROM.stageWindows.active}{${version}=~"$version"}, ${stage})`,
      VariableSort.AlphabeticalAsc,
    ),
    labelValues(
      'os',
      'OS',
      'Drill-down: operating system.',
      `label_values(${PROM.stageWindows.active}{${version}=~"$version", ${stage}=~"$stage"}, ${os})`,
      VariableSort.AlphabeticalAsc,
    ),
    new CustomVariableBuilder('min_sessions')
      .label('Min. windows')
      .description(
        'Suspect cells with fewer session windows in the last hour are left out of the suspects table. Their ' +
          'confidence bound is wide anyway; this only keeps the table short.',
      )
      .values('20,50,100,500')
      .current({ text: '50', value: '50' }),
  ];
}
