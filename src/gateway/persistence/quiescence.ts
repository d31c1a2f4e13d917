/**
 * Lets a capture see a quiet moment: no run between enter() and leave() (for the pipeline, between a
 * state commit and its aggregation). While a capture waits or runs, new runs wait at enter().
 */
export class Quiescence {
  /** Set while a capture waits or runs. */
  private gate: Promise<void> | undefined;
  /** Runs past the gate. */
  private busy = 0;
  private onIdle: (() => void) | undefined;

  /** Runs `work` as one run: it starts after any capture in progress, and the next capture waits for it. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    while (this.gate) await this.gate;
    this.busy++;
    try {
      return await work();
    } finally {
      if (--this.busy === 0) this.onIdle?.();
    }
  }

  /** Calls `capture` once no run is in progress, holding new runs back until it returns. */
  async capture<T>(capture: () => T): Promise<T> {
    while (this.gate) await this.gate;
    let open!: () => void;
    this.gate = new Promise<void>((resolve) => (open = resolve));
    try {
      if (this.busy > 0) await new Promise<void>((resolve) => (this.onIdle = resolve));
      return capture();
    } finally {
      this.onIdle = undefined;
      this.gate = undefined;
      open();
    }
  }
}
