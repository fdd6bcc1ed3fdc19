/**
 * Latencies for `rocket-rpc bench`: a log-bucketed histogram (buckets 1 % apart from 1 µs to
 * ~10⁴ s), so a long run uses the same few kilobytes as a short one and a percentile is off by at
 * most 1 %. Minimum and maximum are exact.
 */
export class LatencyHistogram {
  static readonly #GROWTH = 1.01;
  static readonly #LOG_GROWTH = Math.log(LatencyHistogram.#GROWTH);
  readonly #counts = new Float64Array(2400);
  #count = 0;
  #sum = 0;
  #min = Infinity;
  #max = 0;

  /** Records one latency in milliseconds. */
  record(ms: number): void {
    const micros = ms * 1000;
    const index = micros <= 1 ? 0 : Math.min(this.#counts.length - 1, Math.ceil(Math.log(micros) / LatencyHistogram.#LOG_GROWTH));
    this.#counts[index]! += 1;
    this.#count++;
    this.#sum += ms;
    if (ms < this.#min) this.#min = ms;
    if (ms > this.#max) this.#max = ms;
  }

  get count(): number {
    return this.#count;
  }

  get min(): number {
    return this.#count === 0 ? 0 : this.#min;
  }

  get max(): number {
    return this.#max;
  }

  get mean(): number {
    return this.#count === 0 ? 0 : this.#sum / this.#count;
  }

  /** The latency (ms) at or below which `fraction` (0–1) of the recorded ones fall. */
  percentile(fraction: number): number {
    if (this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(fraction * this.#count));
    let seen = 0;
    for (let i = 0; i < this.#counts.length; i++) {
      seen += this.#counts[i]!;
      if (seen >= rank) {
        // The bucket's upper bound, kept inside what was actually seen.
        const upper = LatencyHistogram.#GROWTH ** i / 1000;
        return Math.min(this.#max, Math.max(this.#min, upper));
      }
    }
    return this.#max;
  }
}
