/**
 * A balancer picks one instance for one call: `pick(instances, request) → instance`.
 *
 * Balancers know nothing about discovery or health: the caller passes the instances that are
 * available right now (healthy, not ejected) and gets one back, or `undefined` when none is left.
 * They are generic over anything with an `id` (and optionally a `weight`), so the same code serves
 * discovery's `Instance` and a plain list of addresses.
 */

/** What a balancer needs of an instance. */
export interface Balanceable {
  /** Stable identity (for discovered instances: the `host:port` address). */
  readonly id: string;
  /** Relative weight, a positive number; absent means 1. */
  readonly weight?: number | undefined;
}

/** Requests currently outstanding per instance, as the caller counts them. */
export interface LoadView {
  inFlight(id: string): number;
  /** The sum over every instance (kept incrementally by the owner, not recomputed per pick). */
  total(): number;
}

/** What a balancer may know about the call being placed. */
export interface PickRequest {
  /** The hash key, when the caller computed one; it wins over `args`. */
  readonly key?: string | undefined;
  /** The call's arguments: consistent hashing derives its key from some of them. */
  readonly args?: readonly unknown[] | undefined;
  /** The method name, for balancers that key or weigh per method. */
  readonly method?: string | undefined;
  /** Outstanding requests per instance: least-in-flight and bounded-load hashing read it. */
  readonly load?: LoadView | undefined;
  /** Ids never to return (instances already tried by this call during failover). */
  readonly exclude?: ReadonlySet<string> | undefined;
}

export interface Balancer {
  readonly name: string;
  /**
   * One instance of `instances` for this call, or `undefined` when the list is empty or every
   * instance is excluded. Callers should pass the same array object while membership is unchanged:
   * balancers that keep per-membership state (the hash ring) refresh it when the array changes.
   */
  pick<T extends Balanceable>(instances: readonly T[], request?: PickRequest): T | undefined;
}

/** A source of uniform numbers in [0, 1), injectable so tests are reproducible. */
export type RandomSource = () => number;

export function weightOf(instance: Balanceable): number {
  const weight = instance.weight;
  return weight === undefined || !(weight > 0) || !Number.isFinite(weight) ? 1 : weight;
}

/** The instances not in `exclude`; the array itself when nothing is excluded (the common case). */
export function withoutExcluded<T extends Balanceable>(instances: readonly T[], exclude: ReadonlySet<string> | undefined): readonly T[] {
  if (exclude === undefined || exclude.size === 0) return instances;
  return instances.filter((instance) => !exclude.has(instance.id));
}

export function allWeightsEqual(instances: readonly Balanceable[]): boolean {
  if (instances.length === 0) return true;
  const first = weightOf(instances[0] as Balanceable);
  for (let i = 1; i < instances.length; i++) if (weightOf(instances[i] as Balanceable) !== first) return false;
  return true;
}
