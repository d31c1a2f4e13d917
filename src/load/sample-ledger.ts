// A client's books of the samples it recorded: every one is, at any moment, in exactly one place —
// pending (queued, in flight or waiting for a retry), acknowledged by a 2xx (accepted, or rejected
// in the response's partial success) or lost for a named cause. The load driver, the simulator's
// HTTP sender and the chaos fleet keep one, so a run says where each recorded sample went, not only
// how many requests failed.

/** Why recorded samples never reached an acknowledgement. */
export const LOSS_CAUSES = [
  /** The whole request refused as invalid or unauthorised (4xx other than 429): never retried. */
  'refused',
  /** Backpressure (429/503) and the client does not retry (the load driver measures, it does not queue). */
  'throttled',
  /** Network error, timeout or 5xx and the client does not retry: the gateway may or may not hold them. */
  'failed',
  /** Retried until the client's attempts or time ran out. */
  'gave-up',
  /** Never sent: the client's own in-flight cap was reached. */
  'skipped',
  /** Still queued or in flight when the client stopped. */
  'dropped-at-shutdown',
] as const;

export type LossCause = (typeof LOSS_CAUSES)[number];

/** Samples and histogram points of one request (points are the unit of OTLP partial success). */
export interface Batch {
  samples: number;
  points: number;
}

export interface LedgerSnapshot {
  recorded: number;
  /** Recorded, not yet acknowledged nor lost: queued, in flight or waiting for a retry. */
  pending: number;
  acknowledged: {
    total: number;
    /** Answered 2xx with no rejected point. */
    accepted: number;
    /** Answered 2xx with every point of the request rejected (partial success). */
    rejected: number;
    /**
     * Answered 2xx with some points rejected: OTLP names how many points, not which, so these
     * samples are neither counted as accepted nor as rejected (`points` has the exact split).
     */
    partlyRejected: number;
    /**
     * Of `total`, acknowledged on a retry after an attempt whose outcome was unknown (network
     * error, timeout, 5xx): the gateway may have counted that attempt and acknowledged this one as
     * a duplicate (it does not say so on the wire).
     */
    afterUnknownOutcome: number;
  };
  lost: { total: number } & Record<LossCause, number>;
  /** The same books in histogram points, where partial success is exact. */
  points: { recorded: number; pending: number; accepted: number; rejected: number; lost: number };
}

export class SampleLedger {
  private recorded = 0;
  private pending = 0;
  private readonly acknowledged = { accepted: 0, rejected: 0, partlyRejected: 0, afterUnknownOutcome: 0 };
  private readonly lost = Object.fromEntries(LOSS_CAUSES.map((cause) => [cause, 0])) as Record<
    LossCause,
    number
  >;
  private readonly points = { recorded: 0, pending: 0, accepted: 0, rejected: 0, lost: 0 };

  /** The client recorded `batch`: it is pending until acknowledged or lost. */
  record(batch: Batch): void {
    this.recorded += batch.samples;
    this.pending += batch.samples;
    this.points.recorded += batch.points;
    this.points.pending += batch.points;
  }

  /**
   * A 2xx answered the request carrying `batch`; `rejectedPoints` is its partial success
   * (0 when the body had none). `afterUnknownOutcome`: an earlier attempt of it had no answer.
   */
  acknowledge(batch: Batch, rejectedPoints: number, afterUnknownOutcome = false): void {
    const rejected = Math.min(Math.max(0, rejectedPoints), batch.points);
    this.settle(batch);
    if (rejected === 0) this.acknowledged.accepted += batch.samples;
    else if (rejected === batch.points) this.acknowledged.rejected += batch.samples;
    else this.acknowledged.partlyRejected += batch.samples;
    if (afterUnknownOutcome) this.acknowledged.afterUnknownOutcome += batch.samples;
    this.points.accepted += batch.points - rejected;
    this.points.rejected += rejected;
  }

  /** The samples of `batch` will never be acknowledged, for `cause`. */
  lose(batch: Batch, cause: LossCause): void {
    this.settle(batch);
    this.lost[cause] += batch.samples;
    this.points.lost += batch.points;
  }

  snapshot(): LedgerSnapshot {
    const { accepted, rejected, partlyRejected, afterUnknownOutcome } = this.acknowledged;
    return {
      recorded: this.recorded,
      pending: this.pending,
      acknowledged: {
        total: accepted + rejected + partlyRejected,
        accepted,
        rejected,
        partlyRejected,
        afterUnknownOutcome,
      },
      lost: { total: LOSS_CAUSES.reduce((sum, cause) => sum + this.lost[cause], 0), ...this.lost },
      points: { ...this.points },
    };
  }

  private settle(batch: Batch): void {
    if (batch.samples > this.pending || batch.points > this.points.pending) {
      throw new Error(
        `sample ledger: settling ${batch.samples} samples / ${batch.points} points with only ${this.pending} / ${this.points.pending} pending (settled twice, or never recorded)`,
      );
    }
    this.pending -= batch.samples;
    this.points.pending -= batch.points;
  }
}

/** Every recorded sample is in exactly one place: recorded = acknowledged + lost + pending. */
export function ledgerBalances(snapshot: LedgerSnapshot): boolean {
  const { recorded, pending, acknowledged, lost, points } = snapshot;
  return (
    recorded === acknowledged.total + lost.total + pending &&
    points.recorded === points.accepted + points.rejected + points.lost + points.pending
  );
}

/** The sum of two ledgers' books (e.g. a run's join and its steady state). */
export function addLedgers(a: LedgerSnapshot, b: LedgerSnapshot): LedgerSnapshot {
  const acknowledged = {
    total: a.acknowledged.total + b.acknowledged.total,
    accepted: a.acknowledged.accepted + b.acknowledged.accepted,
    rejected: a.acknowledged.rejected + b.acknowledged.rejected,
    partlyRejected: a.acknowledged.partlyRejected + b.acknowledged.partlyRejected,
    afterUnknownOutcome: a.acknowledged.afterUnknownOutcome + b.acknowledged.afterUnknownOutcome,
  };
  const lost = { total: a.lost.total + b.lost.total } as LedgerSnapshot['lost'];
  for (const cause of LOSS_CAUSES) lost[cause] = a.lost[cause] + b.lost[cause];
  return {
    recorded: a.recorded + b.recorded,
    pending: a.pending + b.pending,
    acknowledged,
    lost,
    points: {
      recorded: a.points.recorded + b.points.recorded,
      pending: a.points.pending + b.points.pending,
      accepted: a.points.accepted + b.points.accepted,
      rejected: a.points.rejected + b.points.rejected,
      lost: a.points.lost + b.points.lost,
    },
  };
}

/** `recorded 1200 · acknowledged 1180 (accepted 1180) · pending 0 · lost 20 (throttled 20)`. */
export function formatLedger(snapshot: LedgerSnapshot): string {
  const { acknowledged: ack, lost } = snapshot;
  const split = [
    `accepted ${ack.accepted}`,
    ack.rejected > 0 ? `rejected ${ack.rejected}` : '',
    ack.partlyRejected > 0 ? `in partly rejected requests ${ack.partlyRejected}` : '',
    ack.afterUnknownOutcome > 0 ? `after an unanswered attempt ${ack.afterUnknownOutcome}` : '',
  ].filter(Boolean);
  const causes = LOSS_CAUSES.filter((cause) => lost[cause] > 0).map((cause) => `${cause} ${lost[cause]}`);
  return [
    `samples recorded ${snapshot.recorded}`,
    `acknowledged ${ack.total} (${split.join(', ')})`,
    `pending ${snapshot.pending}`,
    `lost ${lost.total}${causes.length ? ` (${causes.join(', ')})` : ''}`,
    snapshot.points.rejected > 0 ? `points rejected ${snapshot.points.rejected}` : '',
  ]
    .filter(Boolean)
    .join(' · ');
}
