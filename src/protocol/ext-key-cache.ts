/**
 * The ext keys of one service's frames are the same few names frame after frame. Decoders take a
 * key from this cache when its bytes match one seen before, instead of making a new string for
 * every frame: that saves the allocation, and the Map the key goes into finds its hash already
 * computed on the cached string (hashing fresh key strings was a tenth of a small frame's decode).
 *
 * A slot is chosen from the key's length and first and last bytes; a colliding key replaces the
 * slot's entry. Only bytes that decoded to a key before are stored, so a hit needs no validation.
 */
const SLOTS = 64;
/** Longer keys are not cached (they are rare, and comparing them costs more than it saves). */
const MAX_KEY_BYTES = 32;

const keys: string[] = new Array<string>(SLOTS).fill('');
/** Byte length of each slot's key; 0 marks an empty slot. */
const lengths = new Uint8Array(SLOTS);
const keyBytes = new Uint8Array(SLOTS * MAX_KEY_BYTES);

function slotOf(bytes: Uint8Array, start: number, length: number): number {
  return (length * 5 + bytes[start]! * 3 + bytes[start + length - 1]!) & (SLOTS - 1);
}

/** The cached key whose UTF-8 bytes are `bytes[start, start + length)`, if there is one. */
export function cachedExtKey(bytes: Uint8Array, start: number, length: number): string | undefined {
  if (length === 0 || length > MAX_KEY_BYTES) return undefined;
  const slot = slotOf(bytes, start, length);
  if (lengths[slot] !== length) return undefined;
  const base = slot * MAX_KEY_BYTES;
  for (let i = 0; i < length; i++) {
    if (bytes[start + i] !== keyBytes[base + i]) return undefined;
  }
  return keys[slot];
}

/** Remembers `key`, decoded from `bytes[start, start + length)`, and returns it. */
export function rememberExtKey(bytes: Uint8Array, start: number, length: number, key: string): string {
  if (length === 0 || length > MAX_KEY_BYTES) return key;
  const slot = slotOf(bytes, start, length);
  keys[slot] = key;
  lengths[slot] = length;
  keyBytes.set(bytes.subarray(start, start + length), slot * MAX_KEY_BYTES);
  return key;
}
