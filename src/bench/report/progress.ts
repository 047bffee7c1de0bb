// The live progress line: elapsed/total, request rate, current p99 and errors. On a terminal it
// rewrites one line every second; otherwise it prints a plain line every 10 seconds.

import { nowMs, type Recorder } from '../core/recorder.js';

const PLAIN_EVERY_SEC = 10;

export class Progress {
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;
  private readonly tty: boolean;

  constructor(
    private readonly rec: Recorder,
    private readonly label: string,
    private readonly totalSec: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
    private readonly extra: () => string = () => '',
  ) {
    this.tty = out.isTTY === true;
  }

  start(): void {
    this.timer = setInterval(() => this.tick(), 1000);
    this.timer.unref();
  }

  line(): string {
    const now = nowMs();
    const elapsed = (now - this.rec.startMs) / 1000;
    const last = this.rec.recent(now, 1);
    const win = this.rec.recent(now, 5);
    const p99 =
      win.latencies.length === 0
        ? 0
        : win.latencies[
            Math.min(win.latencies.length - 1, Math.ceil(0.99 * win.latencies.length) - 1)
          ]!;
    return `${this.label} ${elapsed.toFixed(0)}/${this.totalSec.toFixed(0)}s  ${last.requests} req/s  p99(5s) ${p99.toFixed(2)} ms  KO ${this.rec.koCount}/${this.rec.total}${this.extra()}`;
  }

  private tick(): void {
    this.ticks++;
    if (this.tty) this.out.write(`\r\x1b[K${this.line()}`);
    else if (this.ticks % PLAIN_EVERY_SEC === 0) this.out.write(`${this.line()}\n`);
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.tty) this.out.write('\r\x1b[K');
  }
}
