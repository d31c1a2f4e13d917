/** An open window of a session that the clock closes at `dueMs`. */
export interface DueWindow {
  dueMs: number;
  sessionKey: string;
  window: number;
}

/**
 * A min-heap of open windows by close time, so closing the due ones does not scan every session.
 * Entries are not removed one by one when their window closes early: whoever pops one checks that
 * the session still has that window open (a later point or an eviction may have closed it), and
 * `retain` drops the stale ones in bulk.
 */
export class DueQueue {
  private readonly heap: DueWindow[] = [];

  get size(): number {
    return this.heap.length;
  }

  push(entry: DueWindow): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.dueMs <= entry.dueMs) break;
      heap[i] = heap[parent]!;
      i = parent;
    }
    heap[i] = entry;
  }

  /** The earliest entry if it is due at nowMs, removed; else undefined. */
  popDue(nowMs: number): DueWindow | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (!top || top.dueMs > nowMs) return undefined;
    const last = heap.pop()!;
    if (heap.length === 0) return top;
    heap[0] = last;
    this.siftDown(0);
    return top;
  }

  /** Keeps only the entries `keep` accepts, in one linear pass plus a heapify. */
  retain(keep: (entry: DueWindow) => boolean): void {
    const heap = this.heap;
    let kept = 0;
    for (const entry of heap) if (keep(entry)) heap[kept++] = entry;
    heap.length = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    const entry = heap[start]!;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= heap.length) break;
      const right = left + 1;
      const child = right < heap.length && heap[right]!.dueMs < heap[left]!.dueMs ? right : left;
      if (heap[child]!.dueMs >= entry.dueMs) break;
      heap[i] = heap[child]!;
      i = child;
    }
    heap[i] = entry;
  }
}
