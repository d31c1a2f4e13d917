// The app stages and OS values of the metric model (docs/metrics.md §1, §3). The simulator only
// produces values the contract allows, so a scenario cannot accidentally test the gateway's
// "other" folding instead of the triage. Stages come from the watchdog's copy of the contract.

import { KNOWN_OS_TYPES, KNOWN_STAGES, type KnownOsType, type KnownStage } from '../model/index.js';

export const APP_STAGES = KNOWN_STAGES;
export type AppStage = KnownStage;

export const OS_TYPES = KNOWN_OS_TYPES;
export type OsType = KnownOsType;

export const HOST_ARCHES = ['amd64', 'arm64'] as const;
export type HostArch = (typeof HOST_ARCHES)[number];

/** A plausible os.version per OS (resource-only attribute; never a label). */
export const OS_VERSIONS: Record<OsType, readonly string[]> = {
  linux: ['6.1.0', '6.5.0', '6.8.0'],
  darwin: ['13.6', '14.4', '15.1'],
  windows: ['10.0.19045', '10.0.22631'],
};
