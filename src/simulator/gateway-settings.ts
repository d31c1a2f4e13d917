// The gateway config a simulated run must be checked against: the scenario's model (thresholds,
// episode length, detail dimensions) and the window settings, as the deep-partial JSON the stack
// passes to the gateway. One function, so the truth and the gateway cannot drift apart.
import type { ModelSettings } from './scenario-schema.js';

export interface GatewayWindowSettings {
  windowSeconds: number;
  windowGraceSeconds: number;
}

export function gatewayConfigFor(
  model: ModelSettings,
  windows: GatewayWindowSettings,
): Record<string, unknown> {
  return {
    pipeline: {
      sessions: {
        thresholds: [...model.thresholds],
        episodeMinSamples: model.episodeMinSamples,
        windowSeconds: windows.windowSeconds,
        windowGraceSeconds: windows.windowGraceSeconds,
      },
      details: model.details.map((d) => ({ attribute: d.attribute, label: d.label, bounds: [...d.bounds] })),
    },
  };
}
