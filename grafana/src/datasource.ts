import type { DataSourceRef } from '@grafana/grafana-foundation-sdk/common';

/**
 * The one Prometheus datasource every panel and variable uses. The uid is fixed so that the
 * provisioned datasource (grafana/provisioning/datasources/prometheus.yaml) and the dashboards
 * agree without a lookup.
 */
export const PROMETHEUS_DATASOURCE = {
  type: 'prometheus',
  uid: 'filesfu-prometheus',
} as const satisfies DataSourceRef;
