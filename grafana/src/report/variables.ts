// The report's variables: threshold, the drill-down version → stage → OS, and the minimum sample size.
import {
  CustomVariableBuilder,
  QueryVariableBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { LABELS, TELEMETRY } from '../../../src/report/metric-names.js';
import { PROMETHEUS_DATASOURCE } from '../datasource.js';

export function reportVariables() {
  return [
    new CustomVariableBuilder('threshold')
      .label('CPU threshold')
      .description('A session is "over" once it spent ≥ 5 samples above this share of all CPUs.')
      .values('0.3,0.8')
      .current({ text: '0.3', value: '0.3' }),
    new QueryVariableBuilder('version')
      .label('Version')
      .description('Drill-down: the app release.')
      .datasource(PROMETHEUS_DATASOURCE)
      .query(`label_values(${TELEMETRY.sessions}, ${LABELS.version})`)
      .definition(`label_values(${TELEMETRY.sessions}, ${LABELS.version})`)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.NaturalDesc)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all' }),
    new QueryVariableBuilder('stage')
      .label('Stage')
      .description('Drill-down: what the app was doing (login, indexing, syncing, …).')
      .datasource(PROMETHEUS_DATASOURCE)
      .query(`label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version"}, ${LABELS.stage})`)
      .definition(`label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version"}, ${LABELS.stage})`)
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all' }),
    new QueryVariableBuilder('os')
      .label('OS')
      .description('Drill-down: operating system.')
      .datasource(PROMETHEUS_DATASOURCE)
      .query(
        `label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version", ${LABELS.stage}=~"$stage"}, ${LABELS.os})`,
      )
      .definition(
        `label_values(${TELEMETRY.stageSessions}{${LABELS.version}=~"$version", ${LABELS.stage}=~"$stage"}, ${LABELS.os})`,
      )
      .refresh(VariableRefresh.OnTimeRangeChanged)
      .sort(VariableSort.AlphabeticalAsc)
      .includeAll(true)
      .allValue('.*')
      .current({ text: 'All', value: '$__all' }),
    new CustomVariableBuilder('min_sessions')
      .label('Min. sessions')
      .description('Cells with fewer sessions are left out of the suspects table: small samples are noise.')
      .values('20,50,100,500')
      .current({ text: '50', value: '50' }),
  ];
}
