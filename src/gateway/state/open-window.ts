import type { CellHigh, ClosedWindow, DetailHigh, SessionLabels, SessionPoint } from './state-store.js';

/**
 * A session's open window: the cells its points with samples visited so far and, per cell and per
 * threshold, whether a stream of the cell was high there (a flag only ever turns true). Plain data
 * (JSON-serialisable) because it is part of the stored session record.
 */
export interface OpenWindow {
  window: number;
  /** Session level, per threshold. */
  high: boolean[];
  stages: CellHigh[];
  details: DetailHigh[];
}

export function openWindow(window: number, thresholds: number): OpenWindow {
  return { window, high: new Array<boolean>(thresholds).fill(false), stages: [], details: [] };
}

/** A copy that addPoint may change without touching `open` (records are values). */
export function copyWindow(open: OpenWindow): OpenWindow {
  return {
    window: open.window,
    high: [...open.high],
    stages: open.stages.map((c) => ({ stage: c.stage, high: [...c.high] })),
    details: open.details.map((c) => ({ ...c, high: [...c.high] })),
  };
}

/** Marks the point's cells visited and ORs its stream's high flags (per threshold) into them. */
export function addPoint(open: OpenWindow, point: SessionPoint, high: readonly boolean[]): void {
  orInto(open.high, high);
  let stage = open.stages.find((c) => c.stage === point.stage);
  if (!stage) open.stages.push((stage = { stage: point.stage, high: falses(high.length) }));
  orInto(stage.high, high);
  for (const { detail, bucket } of point.details) {
    let cell = open.details.find(
      (c) => c.stage === point.stage && c.detail === detail && c.bucket === bucket,
    );
    if (!cell) {
      open.details.push((cell = { stage: point.stage, detail, bucket, high: falses(high.length) }));
    }
    orInto(cell.high, high);
  }
}

/** The window as counted: cells in a fixed order, so equal windows compare equal. */
export function closedWindow(open: OpenWindow, labels: SessionLabels): ClosedWindow {
  return {
    window: open.window,
    labels: { ...labels },
    high: [...open.high],
    stages: open.stages
      .map((c) => ({ stage: c.stage, high: [...c.high] }))
      .sort((a, b) => compare(a.stage, b.stage)),
    details: open.details
      .map((c) => ({ ...c, high: [...c.high] }))
      .sort(
        (a, b) => compare(a.stage, b.stage) || compare(a.detail, b.detail) || compare(a.bucket, b.bucket),
      ),
  };
}

/** When the window is closed by the clock: its end + grace (ms since the epoch). */
export function windowCloseMs(window: number, windowMs: number, windowGraceMs: number): number {
  return (window + 1) * windowMs + windowGraceMs;
}

function orInto(target: boolean[], high: readonly boolean[]): void {
  for (let t = 0; t < high.length; t++) if (high[t]) target[t] = true;
}

function falses(n: number): boolean[] {
  return new Array<boolean>(n).fill(false);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
