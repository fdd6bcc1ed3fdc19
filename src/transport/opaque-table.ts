/**
 * A hash table from int32 keys (request opaques) to objects: the storage of the pending-call table.
 *
 * Why not a `Map`: in a table whose keys keep changing (each call adds one opaque and removes
 * another), V8 rebuilds a `Map`'s backing store every few hundred calls and links each discarded
 * store to its successor (for iterators that might still walk it). Once a discarded store has
 * reached the old generation, that link keeps every newer store — and the pending calls they hold
 * — alive through young-generation collections, so all of them get promoted. Measured with 128
 * calls in flight: a fifth of everything the client allocated was promoted, scavenges took about
 * 10 ms, and replacing the `Map` doubled the calls per second of a plain socket client.
 *
 * Open addressing over fixed arrays allocates only when the table grows or shrinks: linear
 * probing, Fibonacci hashing (so any opaque pattern spreads), deletion by shifting entries back
 * (no tombstones), and a sequence number per entry so iteration keeps insertion order as a `Map`'s.
 */
export class OpaqueTable<V extends object> {
  private keys: Int32Array;
  private values: Array<V | undefined>;
  private seqs: Float64Array;
  private bits: number;
  private mask: number;
  private count = 0;
  private nextSeq = 0;

  constructor() {
    this.bits = MIN_BITS;
    this.mask = (1 << MIN_BITS) - 1;
    this.keys = new Int32Array(1 << MIN_BITS);
    this.values = new Array<V | undefined>(1 << MIN_BITS).fill(undefined);
    this.seqs = new Float64Array(1 << MIN_BITS);
  }

  get size(): number {
    return this.count;
  }

  get(key: number): V | undefined {
    key |= 0;
    const keys = this.keys;
    const values = this.values;
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      const value = values[i];
      if (value === undefined || keys[i] === key) return value;
    }
  }

  /** Adds or replaces the value of `key`. */
  set(key: number, value: V): void {
    key |= 0;
    const slot = this.find(key);
    if (slot >= 0) {
      this.values[slot] = value;
      return;
    }
    if ((this.count + 1) * 2 > this.values.length) this.resize(this.bits + 1);
    let i = this.home(key);
    while (this.values[i] !== undefined) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.values[i] = value;
    this.seqs[i] = this.nextSeq++;
    this.count++;
  }

  /** Removes `key`; returns its value, or undefined when it was not there. */
  delete(key: number): V | undefined {
    const slot = this.find(key | 0);
    if (slot < 0) return undefined;
    const value = this.values[slot];
    this.removeAt(slot);
    this.count--;
    return value;
  }

  /**
   * Gives back memory after a burst: shrinks to a quarter full at most. Not done on `delete`,
   * because the number of calls in flight swings from full to empty with every batch of answers.
   */
  shrinkToFit(): void {
    let bits = this.bits;
    while (bits > MIN_BITS && this.count * 8 < 1 << bits) bits--;
    if (bits < this.bits) this.resize(bits);
  }

  /** A snapshot of the values in insertion order (safe to mutate the table while using it). */
  snapshot(): V[] {
    const entries: Array<{ seq: number; value: V }> = [];
    for (let i = 0; i < this.values.length; i++) {
      const value = this.values[i];
      if (value !== undefined) entries.push({ seq: this.seqs[i]!, value });
    }
    entries.sort((a, b) => a.seq - b.seq);
    return entries.map((entry) => entry.value);
  }

  private home(key: number): number {
    return Math.imul(key, 0x9e3779b1) >>> (32 - this.bits);
  }

  private find(key: number): number {
    for (let i = this.home(key); ; i = (i + 1) & this.mask) {
      if (this.values[i] === undefined) return -1;
      if (this.keys[i] === key) return i;
    }
  }

  /** Empties `slot`, moving back later entries of its probe run so every lookup still finds them. */
  private removeAt(slot: number): void {
    const keys = this.keys;
    const values = this.values;
    const seqs = this.seqs;
    let hole = slot;
    for (let j = (hole + 1) & this.mask; values[j] !== undefined; j = (j + 1) & this.mask) {
      const home = this.home(keys[j]!);
      // Entry j may fill the hole unless its home lies cyclically in (hole, j].
      const homeAfterHole = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (homeAfterHole) continue;
      keys[hole] = keys[j]!;
      values[hole] = values[j];
      seqs[hole] = seqs[j]!;
      hole = j;
    }
    values[hole] = undefined;
  }

  private resize(bits: number): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const oldSeqs = this.seqs;
    this.bits = bits;
    this.mask = (1 << bits) - 1;
    this.keys = new Int32Array(1 << bits);
    this.values = new Array<V | undefined>(1 << bits).fill(undefined);
    this.seqs = new Float64Array(1 << bits);
    for (let i = 0; i < oldValues.length; i++) {
      const value = oldValues[i];
      if (value === undefined) continue;
      let slot = this.home(oldKeys[i]!);
      while (this.values[slot] !== undefined) slot = (slot + 1) & this.mask;
      this.keys[slot] = oldKeys[i]!;
      this.values[slot] = value;
      this.seqs[slot] = oldSeqs[i]!;
    }
  }
}

/** 64 slots: room for 32 calls before the first resize. */
const MIN_BITS = 6;
