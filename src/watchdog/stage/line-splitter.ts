// Splits a byte stream into '\n'-terminated lines with a hard cap on line length: a peer that never
// sends a newline must not grow our buffer without bound. An overlong line is reported as soon as it
// exceeds the cap and discarded up to its terminating newline.

export interface LineSplitterEvents {
  onLine(line: string): void;
  /** Called once per overlong line, as soon as it exceeds the cap. */
  onOverlong(): void;
}

export class LineSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private discarding = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly events: LineSplitterEvents,
  ) {}

  push(data: Buffer): void {
    let start = 0;
    while (start < data.length) {
      const newline = data.indexOf(0x0a, start);
      const end = newline < 0 ? data.length : newline;
      this.take(data.subarray(start, end));
      if (newline < 0) break;
      this.finishLine();
      start = newline + 1;
    }
  }

  private take(part: Buffer): void {
    if (part.length === 0) return;
    if (this.discarding) return;
    if (this.buffered + part.length > this.maxLineBytes) {
      this.discarding = true;
      this.chunks = [];
      this.buffered = 0;
      this.events.onOverlong();
      return;
    }
    this.chunks.push(part);
    this.buffered += part.length;
  }

  private finishLine(): void {
    if (this.discarding) {
      this.discarding = false;
      return;
    }
    const line = Buffer.concat(this.chunks, this.buffered).toString('utf8').replace(/\r$/, '');
    this.chunks = [];
    this.buffered = 0;
    if (line.trim() !== '') this.events.onLine(line);
  }
}
