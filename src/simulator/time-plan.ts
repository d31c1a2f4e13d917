// Where the simulated period lies on the real clock. The whole period is backdated so that it ends
// on a window boundary at least the gateway's grace before now: every session window of the run is
// then already due to close, and the gateway counts each one when the session moves on or when its
// housekeeping next runs — the run does not wait for wall-clock windows to pass.

/** The gateway accepts points up to this old (`pipeline.validation.maxPointAgeMs` default). */
export const MAX_POINT_AGE_MS = 48 * 3_600_000;
/** Room left for the run itself: the oldest point must still be accepted when it is sent. */
const SEND_MARGIN_MS = 3_600_000;

export interface SimulatedPeriod {
  startMs: number;
  endMs: number;
}

export function backdatedPeriod(
  periodMs: number,
  windowSeconds: number,
  graceSeconds: number,
  nowMs: number,
): SimulatedPeriod {
  const windowMs = windowSeconds * 1000;
  const endMs = Math.floor((nowMs - graceSeconds * 1000) / windowMs) * windowMs;
  const startMs = endMs - Math.ceil(periodMs / 1000) * 1000;
  if (nowMs - startMs > MAX_POINT_AGE_MS - SEND_MARGIN_MS) {
    throw new Error(
      `a simulated period of ${periodMs / 3_600_000} h (plus window and grace) is older than the gateway accepts (48 h with 1 h to send); shorten run.period`,
    );
  }
  return { startMs, endMs };
}
