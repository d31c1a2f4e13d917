// What a journaled commit carries besides its result (see JournaledStore): the session's samples and
// bounded labels, as compact JSON, from which a restarted replica recomputes the commit's
// contributions with the same code as the live ingest.
import type { BoundedValue, SeriesIdentities } from '../cardinality/index.js';
import type { JournalEntry } from '../state/index.js';
import type { CpuSample } from '../validation/index.js';
import type { PreparedSession } from './session-commit.js';
import {
  emptyOutcome,
  sessionContributions,
  windowContributions,
  type Contribution,
  type SessionInput,
} from './session-contributions.js';

/** A sample as [start ns, end ns, count, sum, min, max, bucket counts] (bigints as decimal strings). */
type StoredSample = [string, string, number, number | null, number | null, number | null, number[]];
type StoredBounded = [string, string | null];

interface StoredSession {
  id: string;
  raw: string;
  version: StoredBounded;
  os: StoredBounded;
  samples: StoredSample[];
  stages: StoredBounded[];
}

const storeBounded = (b: BoundedValue): StoredBounded => [b.value, b.bounded ?? null];
const loadBounded = ([value, bounded]: StoredBounded): BoundedValue =>
  ({ value, bounded: bounded ?? undefined }) as BoundedValue;

/** The journal payload of a prepared session. */
export function journalPayload(session: PreparedSession): string {
  const stored: StoredSession = {
    id: session.sessionId,
    raw: session.rawVersion,
    version: storeBounded(session.version),
    os: storeBounded(session.os),
    samples: session.samples.map((s) => [
      String(s.startTimeUnixNano),
      String(s.timeUnixNano),
      s.count,
      s.sum ?? null,
      s.min ?? null,
      s.max ?? null,
      [...s.bucketCounts],
    ]),
    stages: session.stages.map(storeBounded),
  };
  return JSON.stringify(stored);
}

/** The session a journal payload describes, as sessionContributions takes it. */
export function sessionFromJournal(payload: string): SessionInput {
  const stored = JSON.parse(payload) as StoredSession;
  return {
    sessionId: stored.id,
    rawVersion: stored.raw,
    version: loadBounded(stored.version),
    os: loadBounded(stored.os),
    samples: stored.samples.map(([start, end, count, sum, min, max, bucketCounts]): CpuSample => ({
      startTimeUnixNano: BigInt(start),
      timeUnixNano: BigInt(end),
      count,
      sum: sum ?? undefined,
      min: min ?? undefined,
      max: max ?? undefined,
      bucketCounts,
    })),
    stages: stored.stages.map(loadBounded),
  };
}

/** What journaled changes added: the same contributions their live ingest or close computed. */
export function journalContributions(
  entries: readonly JournalEntry[],
  identities: SeriesIdentities,
  thresholds: number,
): Contribution[] {
  const outcome = emptyOutcome();
  for (const entry of entries) {
    if (entry.kind === 'commit') {
      sessionContributions(sessionFromJournal(entry.payload), entry.result, identities, thresholds, outcome);
    } else {
      for (const window of entry.windows) {
        windowContributions(window, identities, thresholds, outcome.contributions);
      }
    }
  }
  return outcome.contributions;
}
