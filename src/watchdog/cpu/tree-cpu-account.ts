// CPU time of a process tree (the watched process and its descendants) as one monotonic total, from
// successive readings of the live processes.
//
// Why not just sum the live processes' CPU times: a child that exits takes its time out of the sum
// (a negative delta), and when its parent reaps it, its whole lifetime's time reappears in the
// parent's "reaped children" time (cutime+cstime), counted a second time (a spike). Instead each
// reading adds only non-negative per-process deltas:
// - a process seen in both readings adds the growth of its own time and of its reaped-children time;
// - a process first seen now adds all its time (it started after the previous reading, or was missed),
//   less the credits of its children already counted;
// - a process that is gone leaves a *credit* with its parent: the time already counted for it, which
//   the parent's reaped-children time will include once it reaps it. The parent's next growth of that
//   time is reduced by the credit, so only the child's last, uncounted part is added. Children that
//   start and exit between two readings are counted the same way, through their parent's reaped time.
// Credits expire after CREDIT_TTL_READINGS: a child whose parent never reaps it (auto-reaped, or
// re-parented to init when its parent died) never shows up in a reaped time of the tree. A process
// missing from one reading but back in a later one (listing children races with forks and exits) is
// the same run: its credit is taken back and it continues from its last reading, never counted twice.
// Limits: a descendant re-parented away from the tree (a daemon's double fork) is no longer counted.

/**
 * Readings (with its holder visible) after which an unconsumed credit is dropped: a reap shows within
 * one or two readings.
 */
export const CREDIT_TTL_READINGS = 3;
/** How deep a chain of gone processes credits are looked up through. */
const MAX_CREDIT_DEPTH = 16;
/** Readings for which a missing process is remembered, so that it continues if it shows up again. */
export const GONE_TTL_READINGS = 20;

export interface ProcessReading {
  /** pid + start time: one process run (pids are reused). */
  key: string;
  /** The parent's key, when the parent is part of the same reading. */
  parentKey: string | undefined;
  /** utime + stime, in ticks. */
  ownTicks: number;
  /** cutime + cstime: reaped children's time, in ticks. */
  reapedTicks: number;
}

interface Credit {
  ticks: number;
  /** Readings in which the holder was visible since the credit was given. */
  seenReadings: number;
  /** The reading after which it is dropped even if its holder never showed up again. */
  forgetAfter: number;
}

export class TreeCpuAccount {
  private last = new Map<string, ProcessReading>();
  private credits = new Map<string, Credit>();
  /** Processes missing from recent readings, by key, until their credit would have expired. */
  private gone = new Map<string, { reading: ProcessReading; expiresAfter: number }>();
  private readings = 0;
  private total = 0;

  /** Total ticks of the tree since the first reading (0 at the first one); never decreases. */
  update(current: readonly ProcessReading[]): number {
    this.readings += 1;
    const now = new Map(current.map((reading) => [reading.key, reading]));
    if (this.readings > 1) {
      const forgetAfter = this.readings + GONE_TTL_READINGS;
      for (const [key, gone] of this.last) {
        if (now.has(key)) continue;
        this.gone.set(key, { reading: gone, expiresAfter: forgetAfter });
        if (gone.parentKey === undefined) continue;
        const credit = this.credits.get(gone.parentKey);
        const ticks = gone.ownTicks + gone.reapedTicks;
        if (credit) Object.assign(credit, { ticks: credit.ticks + ticks, seenReadings: 0, forgetAfter });
        else this.credits.set(gone.parentKey, { ticks, seenReadings: 0, forgetAfter });
      }
      for (const reading of current) this.total += this.delta(reading);
    }
    for (const [key, credit] of this.credits) {
      // A credit ages only while its holder is visible (a missed holder cannot have used it yet).
      if (now.has(key)) credit.seenReadings += 1;
      const stale = credit.seenReadings > CREDIT_TTL_READINGS || credit.forgetAfter <= this.readings;
      if (credit.ticks <= 0 || stale) this.credits.delete(key);
    }
    for (const [key, entry] of this.gone) if (entry.expiresAfter <= this.readings) this.gone.delete(key);
    this.last = now;
    return this.total;
  }

  private delta(reading: ProcessReading): number {
    const previous = this.last.get(reading.key) ?? this.returning(reading.key);
    const own = Math.max(0, reading.ownTicks - (previous?.ownTicks ?? 0));
    let reaped = Math.max(0, reading.reapedTicks - (previous?.reapedTicks ?? 0));
    if (reaped > 0) reaped -= this.consumeCredits(reading.key, reaped);
    return own + reaped;
  }

  /**
   * Takes up to `ticks` from the credits `key` can claim: its own, then those of its gone children,
   * recursively (a parent's reaped time includes what a reaped child had reaped itself). Credits of a
   * gone process stay on it, so that it keeps them if it turns out to be alive.
   */
  private consumeCredits(key: string, ticks: number, depth = 0): number {
    let used = 0;
    const credit = this.credits.get(key);
    if (credit) {
      used = Math.min(credit.ticks, ticks);
      credit.ticks -= used;
    }
    if (depth >= MAX_CREDIT_DEPTH) return used;
    for (const [goneKey, entry] of this.gone) {
      if (used >= ticks) break;
      if (entry.reading.parentKey === key) used += this.consumeCredits(goneKey, ticks - used, depth + 1);
    }
    return used;
  }

  /** A process thought gone that is back: take its credit back and continue from its last reading. */
  private returning(key: string): ProcessReading | undefined {
    const entry = this.gone.get(key);
    if (!entry) return undefined;
    this.gone.delete(key);
    const parentKey = entry.reading.parentKey;
    const credit = parentKey === undefined ? undefined : this.credits.get(parentKey);
    if (credit) credit.ticks = Math.max(0, credit.ticks - entry.reading.ownTicks - entry.reading.reapedTicks);
    return entry.reading;
  }
}
