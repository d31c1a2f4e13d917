// Reading generated dashboards back: the queries of every panel and Grafana-style variable
// substitution, so tests can run each panel's PromQL against a real Prometheus without Grafana.
import type { Dashboard, Panel, RowPanel } from '@grafana/grafana-foundation-sdk/dashboard';

export interface PanelQuery {
  panelTitle: string;
  refId: string;
  expr: string;
  instant: boolean;
  exemplar: boolean;
  legend: string;
}

interface PromTarget {
  refId?: string;
  expr?: string;
  legendFormat?: string;
  instant?: boolean;
  exemplar?: boolean;
}

export function isRow(panel: Panel | RowPanel): panel is RowPanel {
  return panel.type === 'row';
}

/** Every non-row panel, including panels nested in collapsed rows. */
export function panelsOf(dashboard: Dashboard): Panel[] {
  const panels: Panel[] = [];
  for (const panel of dashboard.panels ?? []) {
    if (isRow(panel)) panels.push(...(panel.panels ?? []));
    else panels.push(panel);
  }
  return panels;
}

export function queriesOf(dashboard: Dashboard): PanelQuery[] {
  return panelsOf(dashboard).flatMap((panel) =>
    ((panel.targets ?? []) as PromTarget[])
      .filter((target): target is PromTarget & { expr: string } => typeof target.expr === 'string')
      .map((target) => ({
        panelTitle: panel.title ?? '',
        refId: target.refId ?? 'A',
        expr: target.expr,
        instant: target.instant === true,
        exemplar: target.exemplar === true,
        legend: target.legendFormat ?? '',
      })),
  );
}

/** Names of `$name` / `${name}` / `${name:format}` references in a string (Grafana globals included). */
export function variableReferences(text: string): string[] {
  const names = new Set<string>();
  for (const match of text.matchAll(/\$\{([A-Za-z_][\w.]*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)/g)) {
    const name = match[1] ?? match[2];
    if (name) names.add(name);
  }
  return [...names];
}

/** Replace `$name` and `${name}` with the given values (whole identifiers, like Grafana). */
export function substituteVariables(text: string, values: Record<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][\w.]*)(?::[^}]*)?\}|\$([A-Za-z_]\w*)/g,
    (whole, braced?: string, bare?: string) => {
      const name = braced ?? bare ?? '';
      return Object.hasOwn(values, name) ? (values[name] as string) : whole;
    },
  );
}
