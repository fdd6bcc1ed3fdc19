/** Tables this small are searched by comparing keys; bigger ones use their Map. */
const SCAN_MAX = 16;

/**
 * A string-keyed table for keys that arrive freshly decoded, such as a request's interface and
 * method names. `Map#get` must hash such a key first: for a 110-character Java method signature
 * that is about 200 ns, four times what comparing it with the few keys of a small table costs
 * (keys of another length are told apart at once). Small tables are scanned; big ones hashed.
 */
export class LookupTable<V> {
  readonly #map = new Map<string, V>();
  #keys: string[] = [];
  #values: V[] = [];

  get size(): number {
    return this.#map.size;
  }

  set(key: string, value: V): this {
    this.#map.set(key, value);
    this.#keys = [...this.#map.keys()];
    this.#values = [...this.#map.values()];
    return this;
  }

  get(key: string): V | undefined {
    const keys = this.#keys;
    if (keys.length > SCAN_MAX) return this.#map.get(key);
    for (let i = 0; i < keys.length; i++) if (keys[i] === key) return this.#values[i];
    return undefined;
  }

  values(): IterableIterator<V> {
    return this.#map.values();
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    return this.#map.entries();
  }
}
