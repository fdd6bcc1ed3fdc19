import { allWeightsEqual, weightOf, withoutExcluded, type Balanceable, type Balancer, type PickRequest, type RandomSource } from './balancer.js';

export interface RandomOptions {
  readonly random?: RandomSource;
}

/** A uniformly random instance, or weighted by `weight` when weights differ. */
export class RandomBalancer implements Balancer {
  readonly name = 'random';
  readonly #random: RandomSource;

  constructor(options: RandomOptions = {}) {
    this.#random = options.random ?? Math.random;
  }

  pick<T extends Balanceable>(instances: readonly T[], request: PickRequest = {}): T | undefined {
    const candidates = withoutExcluded(instances, request.exclude);
    if (candidates.length === 0) return undefined;
    if (allWeightsEqual(candidates)) return candidates[Math.floor(this.#random() * candidates.length)];
    let total = 0;
    for (const candidate of candidates) total += weightOf(candidate);
    let point = this.#random() * total;
    for (const candidate of candidates) {
      point -= weightOf(candidate);
      if (point < 0) return candidate;
    }
    // Only reached through floating-point rounding at the very top of the range.
    return candidates[candidates.length - 1];
  }
}
