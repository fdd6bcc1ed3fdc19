import { RemotingError } from '../errors.js';
import { murmur3, ringPoints } from './hash.js';

/**
 * A consistent-hash ring with virtual nodes (Karger et al.; ketama-style md5 points).
 *
 * Layout: two parallel typed arrays — `points` (unsigned 32-bit, sorted numerically) and `owners`
 * (the slot of the member each point belongs to) — so a lookup is one binary search over a
 * Uint32Array and ten thousand members at 160 points each cost about 13 MB, not millions of objects.
 *
 * Membership changes are incremental: the points of joining members are computed (and only theirs),
 * sorted, and merged into the existing arrays in one linear pass that also drops the points of
 * leaving members. Nothing else moves, which is what makes a change remap only the keys it must.
 *
 * Equal points (two members hashing to the same 32-bit value, a few hundred among a million points)
 * are ordered by member id, not by arrival order, so every consumer that knows the same members
 * builds the same ring and sends the same key to the same provider.
 */

export interface RingMember {
  readonly id: string;
  /** Relative weight; the member gets `round(replicas × weight)` points. Absent means 1. */
  readonly weight?: number | undefined;
}

export interface RingOptions {
  /** Virtual nodes (points) per unit of weight. Default 160, as Dubbo. */
  readonly replicas?: number;
}

export interface RingChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
}

/** Slots are packed beside the 32-bit point in a float64 sort key: 32 + 21 bits = 53, exact. */
const SLOT_BITS = 21;
const SLOT_SCALE = 2 ** SLOT_BITS;
const MAX_SLOTS = SLOT_SCALE;
const MAX_POINTS_PER_MEMBER = 1 << 20;

export class ConsistentHashRing {
  readonly replicas: number;
  #points = new Uint32Array(0);
  #owners = new Uint32Array(0);
  /** slot → id (undefined for a free slot). */
  readonly #ids: (string | undefined)[] = [];
  readonly #weights: number[] = [];
  readonly #slotOf = new Map<string, number>();
  readonly #freeSlots: number[] = [];
  /** Per-slot marks for `walk`, so a walk never allocates: a slot is visited when its mark is the current generation. */
  #marks = new Uint32Array(0);
  #generation = 0;

  constructor(options: RingOptions = {}) {
    const replicas = options.replicas ?? 160;
    if (!Number.isInteger(replicas) || replicas < 1) throw new RemotingError('INVALID_ARGUMENT', `replicas must be a positive integer, got ${replicas}`);
    this.replicas = replicas;
  }

  /** Number of members. */
  get size(): number {
    return this.#slotOf.size;
  }

  /** Number of points (virtual nodes) on the ring. */
  get pointCount(): number {
    return this.#points.length;
  }

  /** Bytes held by the point arrays (the ring's bulk; ids are shared with the caller's strings). */
  get pointBytes(): number {
    return this.#points.byteLength + this.#owners.byteLength;
  }

  has(id: string): boolean {
    return this.#slotOf.has(id);
  }

  members(): string[] {
    return [...this.#slotOf.keys()];
  }

  add(id: string, weight?: number): void {
    this.update([{ id, weight }], []);
  }

  remove(id: string): void {
    this.update([], [id]);
  }

  /** Makes the ring hold exactly `members`; returns who joined and who left. */
  setMembers(members: Iterable<RingMember>): RingChange {
    const wanted = new Map<string, number>();
    for (const member of members) wanted.set(member.id, pointWeight(member.weight));
    const removed: string[] = [];
    const added: RingMember[] = [];
    for (const [id, slot] of this.#slotOf) {
      const weight = wanted.get(id);
      if (weight === undefined) removed.push(id);
      else if (weight !== this.#weights[slot]) {
        // A weight change is a leave and a join: only this member's points move.
        removed.push(id);
        added.push({ id, weight });
      }
    }
    for (const [id, weight] of wanted) if (!this.#slotOf.has(id)) added.push({ id, weight });
    if (added.length > 0 || removed.length > 0) this.update(added, removed);
    return { added: added.map((member) => member.id), removed };
  }

  /** Removes `remove` and adds `add` in one merge pass. Adding a present id re-adds it. */
  update(add: readonly RingMember[], remove: readonly string[]): void {
    const leaving = new Set<number>();
    let leavingPoints = 0;
    const drop = (id: string): void => {
      const slot = this.#slotOf.get(id);
      if (slot === undefined || leaving.has(slot)) return;
      leaving.add(slot);
      leavingPoints += this.#pointCountOf(this.#weights[slot] as number);
    };
    for (const id of remove) drop(id);
    for (const member of add) drop(member.id);

    const joining = new Map<string, number>();
    for (const member of add) joining.set(member.id, pointWeight(member.weight));
    let joiningPoints = 0;
    for (const weight of joining.values()) joiningPoints += this.#pointCountOf(weight);

    // Old slots are released before new ones are taken: the merge tells old points from new ones
    // by which array they come from, not by slot, so a reused slot cannot be confused.
    const leavingMask = new Uint8Array(this.#ids.length);
    for (const slot of leaving) {
      leavingMask[slot] = 1;
      this.#slotOf.delete(this.#ids[slot] as string);
      this.#ids[slot] = undefined;
      this.#freeSlots.push(slot);
    }
    const packed = new Float64Array(joiningPoints);
    const scratch = new Uint32Array(this.#maxPointsPerMember(joining));
    let offset = 0;
    for (const [id, weight] of joining) {
      const slot = this.#takeSlot(id, weight);
      const count = this.#pointCountOf(weight);
      ringPoints(id, count, scratch);
      for (let i = 0; i < count; i++) packed[offset++] = (scratch[i] as number) * SLOT_SCALE + slot;
    }
    packed.sort();
    const newPoints = new Uint32Array(joiningPoints);
    const newOwners = new Uint32Array(joiningPoints);
    for (let i = 0; i < joiningPoints; i++) {
      const value = packed[i] as number;
      const slot = value % SLOT_SCALE;
      newPoints[i] = (value - slot) / SLOT_SCALE;
      newOwners[i] = slot;
    }
    this.#orderTiesById(newPoints, newOwners);
    this.#merge(newPoints, newOwners, leavingMask, this.#points.length - leavingPoints + joiningPoints);
  }

  /** The member owning `hash`: the first point at or after it, wrapping past 2^32 − 1. */
  owner(hash: number): string | undefined {
    const count = this.#points.length;
    if (count === 0) return undefined;
    let index = this.#lowerBound(hash >>> 0);
    if (index === count) index = 0;
    return this.#ids[this.#owners[index] as number];
  }

  /** The member owning `key` (MurmurHash3 of its UTF-8 bytes). */
  get(key: string): string | undefined {
    return this.owner(murmur3(key));
  }

  /**
   * Visits members clockwise from `hash`, each once, until `accept` returns true; returns that
   * member, or `undefined` when every member was refused. Bounded-load hashing and failover use it
   * to step past full or excluded members — the same neighbour a removal would hand the key to.
   */
  walk(hash: number, accept: (id: string) => boolean): string | undefined {
    const count = this.#points.length;
    const members = this.#slotOf.size;
    if (count === 0) return undefined;
    const generation = this.#nextGeneration();
    const marks = this.#marks;
    let index = this.#lowerBound(hash >>> 0);
    let seen = 0;
    for (let step = 0; step < count && seen < members; step++, index++) {
      if (index === count) index = 0;
      const slot = this.#owners[index] as number;
      if (marks[slot] === generation) continue;
      marks[slot] = generation;
      seen++;
      const id = this.#ids[slot] as string;
      if (accept(id)) return id;
    }
    return undefined;
  }

  #pointCountOf(weight: number): number {
    return Math.max(1, Math.round(this.replicas * weight));
  }

  #maxPointsPerMember(joining: Map<string, number>): number {
    let max = 0;
    for (const weight of joining.values()) max = Math.max(max, this.#pointCountOf(weight));
    if (max > MAX_POINTS_PER_MEMBER) throw new RemotingError('INVALID_ARGUMENT', `a member would get ${max} ring points (limit ${MAX_POINTS_PER_MEMBER}); lower its weight or replicas`);
    return max;
  }

  #takeSlot(id: string, weight: number): number {
    let slot = this.#freeSlots.pop();
    if (slot === undefined) {
      slot = this.#ids.length;
      if (slot >= MAX_SLOTS) throw new RemotingError('INVALID_ARGUMENT', `a ring holds at most ${MAX_SLOTS} members`);
      this.#ids.push(undefined);
      this.#weights.push(0);
    }
    this.#ids[slot] = id;
    this.#weights[slot] = weight;
    this.#slotOf.set(id, slot);
    return slot;
  }

  /** Within runs of equal points, orders owners by id (sorting put them in slot order). */
  #orderTiesById(points: Uint32Array, owners: Uint32Array): void {
    const ids = this.#ids;
    for (let start = 0; start < points.length; ) {
      let end = start + 1;
      while (end < points.length && points[end] === points[start]) end++;
      if (end - start > 1) {
        const run = Array.from(owners.subarray(start, end)).sort((a, b) => compareIds(ids[a] as string, ids[b] as string));
        owners.set(run, start);
      }
      start = end;
    }
  }

  #merge(newPoints: Uint32Array, newOwners: Uint32Array, leavingMask: Uint8Array, total: number): void {
    const oldPoints = this.#points;
    const oldOwners = this.#owners;
    const ids = this.#ids;
    const points = new Uint32Array(total);
    const owners = new Uint32Array(total);
    let i = 0;
    let j = 0;
    let out = 0;
    while (i < oldPoints.length || j < newPoints.length) {
      if (i < oldPoints.length && leavingMask[oldOwners[i] as number] === 1) {
        i++;
        continue;
      }
      let takeOld: boolean;
      if (i >= oldPoints.length) takeOld = false;
      else if (j >= newPoints.length) takeOld = true;
      else {
        const a = oldPoints[i] as number;
        const b = newPoints[j] as number;
        takeOld = a < b || (a === b && compareIds(ids[oldOwners[i] as number] as string, ids[newOwners[j] as number] as string) <= 0);
      }
      if (takeOld) {
        points[out] = oldPoints[i] as number;
        owners[out++] = oldOwners[i++] as number;
      } else {
        points[out] = newPoints[j] as number;
        owners[out++] = newOwners[j++] as number;
      }
    }
    this.#points = points;
    this.#owners = owners;
    if (this.#marks.length < ids.length) this.#marks = new Uint32Array(Math.max(ids.length, this.#marks.length * 2));
  }

  #lowerBound(hash: number): number {
    const points = this.#points;
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((points[mid] as number) < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #nextGeneration(): number {
    if (this.#generation === 0xffffffff) {
      this.#marks.fill(0);
      this.#generation = 0;
    }
    return ++this.#generation;
  }
}

function pointWeight(weight: number | undefined): number {
  return weight === undefined || !(weight > 0) || !Number.isFinite(weight) ? 1 : weight;
}

function compareIds(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
