// Recording rules of prometheus/rules/filesfu-report.rules.yml that the report dashboard reads
// (rules files cannot import; a unit test checks every name here is recorded there).
export const RULES = Object.freeze({
  fleetOverRate1h: 'threshold:filesfu_session_windows_high_cpu_per_session_windows:ratio_increase1h',
  versionOverRate1h:
    'threshold_version:filesfu_session_windows_high_cpu_per_session_windows:ratio_increase1h',
  /** Suspect cells (labels: comparison, the cell's labels, threshold). */
  cellWindows1h: 'cell:filesfu_windows:increase1h',
  cellOverRate1h: 'cell:filesfu_windows_high_cpu_per_windows:ratio_increase1h',
  cellComplementOverRate1h: 'cell:filesfu_windows_high_cpu_per_windows:complement_ratio_increase1h',
  cellRiskDifference1h: 'cell:filesfu_windows_high_cpu:risk_difference_increase1h',
  cellRiskDifferenceLower1h: 'cell:filesfu_windows_high_cpu:risk_difference_lower95_increase1h',
});
