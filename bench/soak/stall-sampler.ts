/**
 * How late this process's event loop was, and when: a 10 ms interval timer records, each time it
 * runs, how much later than due it ran. A call that ends long after its deadline on a shared machine
 * is explained when the loop was that late over the same stretch of time (no timer, the engine's
 * included, can run while the process is stalled or not scheduled).
 */
import { performance } from 'node:perf_hooks';

const INTERVAL_MS = 10;

export class StallSampler {
  private times = new Float64Array(4096);
  private lags = new Float64Array(4096);
  private count = 0;
  private timer: NodeJS.Timeout | null = null;
  private last = 0;

  start(): void {
    this.last = performance.now();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.record(now, Math.max(0, now - this.last - INTERVAL_MS));
      this.last = now;
    }, INTERVAL_MS);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * The longest lateness the loop showed over `[from, to]` (performance.now() times), ms: the ticks
   * from the first at or after `from` up to and including the first at or after `to`. That last
   * tick matters: after a stall the loop first runs what is due (the deadline, ending the call) and
   * the work that follows, and only then the sampler, whose lateness covers the whole stretch.
   */
  worstBetween(from: number, to: number): number {
    // Ticks are recorded in time order: binary search for the first one at or after `from`.
    let low = 0;
    let high = this.count;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.times[mid]! < from) low = mid + 1;
      else high = mid;
    }
    let worst = 0;
    for (let i = low; i < this.count; i++) {
      worst = Math.max(worst, this.lags[i]!);
      if (this.times[i]! >= to) break;
    }
    return worst;
  }

  private record(time: number, lag: number): void {
    if (this.count === this.times.length) {
      const times = new Float64Array(this.count * 2);
      const lags = new Float64Array(this.count * 2);
      times.set(this.times);
      lags.set(this.lags);
      this.times = times;
      this.lags = lags;
    }
    this.times[this.count] = time;
    this.lags[this.count] = lag;
    this.count++;
  }
}
