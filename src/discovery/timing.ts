/**
 * Small time helpers shared by pollers and probers. Jitter spreads a fleet's periodic requests so a
 * thousand consumers started together do not hit the platform (or a provider) in the same instant.
 */

/** `ms` moved by up to ±`fraction` of itself, uniformly. */
export function jittered(ms: number, fraction: number, random: () => number = Math.random): number {
  if (fraction <= 0) return ms;
  return Math.max(0, ms * (1 + fraction * (2 * random() - 1)));
}

export function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/**
 * One re-armable timer with a single owner: `schedule` replaces any pending run, `cancel` clears it.
 * It keeps the process alive like any timer (a `discover --watch` or a consumer waiting for its
 * first provider has nothing else running); owners clear it in their `close()`.
 */
export class OwnedTimer {
  #timer: NodeJS.Timeout | undefined;
  readonly #run: () => void;

  constructor(run: () => void) {
    this.#run = run;
  }

  schedule(ms: number): void {
    this.cancel();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#run();
    }, ms);
  }

  get pending(): boolean {
    return this.#timer !== undefined;
  }

  cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
