import { RemotingError } from '../errors.js';
import { weightOf, type Balanceable, type Balancer, type PickRequest, type RandomSource } from './balancer.js';
import { ConsistentHashRing } from './consistent-hash.js';
import { murmur3 } from './hash.js';
import { hashKeyOf } from './hash-key.js';

export interface ConsistentHashOptions {
  /** Virtual nodes per unit of weight (default 160). */
  readonly replicas?: number;
  /** Which arguments make the key (Dubbo's `hash.arguments`); default `[0]`, the first. */
  readonly argumentIndexes?: readonly number[];
  /**
   * Consistent hashing with bounded loads (Mirrokni, Thorup, Zadimoghaddam 2018): with ε set, no
   * instance takes more than ceil((1 + ε) × (in flight + 1) × its weight share) requests; a key whose
   * owner is full goes to the next member clockwise that is not. Needs `request.load`. Off by default.
   */
  readonly boundedLoadEpsilon?: number;
  /** For calls without a key (no arguments): a uniform point on the ring. Default Math.random. */
  readonly random?: RandomSource;
}

/**
 * Sends equal keys to the same instance while membership is stable; a membership change remaps
 * only the keys of the instances that joined or left (≈ 1/N of them per instance).
 */
export class ConsistentHashBalancer implements Balancer {
  readonly name = 'consistent-hash';
  readonly ring: ConsistentHashRing;
  readonly #indexes: readonly number[];
  readonly #epsilon: number | undefined;
  readonly #random: RandomSource;
  #members: readonly Balanceable[] | undefined;
  #byId = new Map<string, Balanceable>();
  #totalWeight = 0;

  constructor(options: ConsistentHashOptions = {}) {
    this.ring = new ConsistentHashRing(options.replicas === undefined ? {} : { replicas: options.replicas });
    const indexes = options.argumentIndexes ?? [0];
    if (indexes.length === 0 || indexes.some((i) => !Number.isInteger(i) || i < 0)) {
      throw new RemotingError('INVALID_ARGUMENT', `argumentIndexes must be non-negative integers, got [${indexes.join(', ')}]`);
    }
    this.#indexes = indexes;
    const epsilon = options.boundedLoadEpsilon;
    if (epsilon !== undefined && !(epsilon > 0 && Number.isFinite(epsilon))) {
      throw new RemotingError('INVALID_ARGUMENT', `boundedLoadEpsilon must be a positive number, got ${epsilon}`);
    }
    this.#epsilon = epsilon;
    this.#random = options.random ?? Math.random;
  }

  /** The key this balancer would hash for `request`, or undefined when the call has none. */
  keyOf(request: PickRequest): string | undefined {
    if (request.key !== undefined) return request.key;
    return request.args === undefined ? undefined : hashKeyOf(request.args, this.#indexes);
  }

  pick<T extends Balanceable>(instances: readonly T[], request: PickRequest = {}): T | undefined {
    if (instances.length === 0) return undefined;
    this.#sync(instances);
    const key = this.keyOf(request);
    const hash = key === undefined ? Math.floor(this.#random() * 0x100000000) : murmur3(key);
    const exclude = request.exclude;
    const load = request.load;
    let id: string | undefined;
    if (this.#epsilon !== undefined && load !== undefined) {
      const scale = ((1 + this.#epsilon) * (load.total() + 1)) / this.#totalWeight;
      const byId = this.#byId;
      id = this.ring.walk(hash, (candidate) => {
        if (exclude !== undefined && exclude.has(candidate)) return false;
        return load.inFlight(candidate) < Math.ceil(scale * weightOf(byId.get(candidate) as Balanceable));
      });
    } else if (exclude !== undefined && exclude.size > 0) {
      id = this.ring.walk(hash, (candidate) => !exclude.has(candidate));
    } else {
      id = this.ring.owner(hash);
    }
    // The map only ever holds elements of the `instances` array it was synced from.
    return id === undefined ? undefined : (this.#byId.get(id) as T | undefined);
  }

  #sync(instances: readonly Balanceable[]): void {
    if (instances === this.#members) return;
    const byId = new Map<string, Balanceable>();
    let totalWeight = 0;
    for (const instance of instances) {
      byId.set(instance.id, instance);
      totalWeight += weightOf(instance);
    }
    this.ring.setMembers(instances);
    this.#byId = byId;
    this.#totalWeight = totalWeight;
    this.#members = instances;
  }
}
