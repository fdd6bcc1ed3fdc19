import { copyBytes } from './copy-bytes.js';

/**
 * Encoded bytes of strings that encoders write again and again: ext keys are the same few names
 * in every frame, and an RPC method's calls all carry the same interface name and method signature.
 * Encoding a string in JavaScript costs about 2.5 ns a character (every `charCodeAt` re-checks the
 * string's representation); a hit here is one string comparison and a byte copy.
 *
 * A slot is picked by length, first and last character. A string is cached the second time in a row it
 * misses in its slot, so one-off strings (trace ids, arguments) never cost an allocation. A hit
 * gives the cached string a credit, which the next miss in its slot uses up instead of replacing
 * it: a string that is used between other strings' misses keeps its slot.
 */
export class EncodedStringCache {
  private readonly strings: string[];
  private readonly encodings: Uint8Array[];
  /** 1 when the slot's string was used since the last miss in the slot. */
  private readonly credits: Uint8Array;
  /** The last string that missed in each slot and was not cached. */
  private readonly candidates: string[];
  private readonly mask: number;

  /**
   * @param slots a power of two
   * @param maxLength longest string (UTF-16 units) worth caching
   */
  constructor(
    slots: number,
    readonly maxLength: number,
  ) {
    this.strings = new Array<string>(slots).fill('');
    this.encodings = new Array<Uint8Array>(slots).fill(new Uint8Array(0));
    this.credits = new Uint8Array(slots);
    this.candidates = new Array<string>(slots).fill('');
    this.mask = slots - 1;
  }

  /** Copies the cached encoding of `text` to `target[at]`; returns its byte length, or -1 when `text` is not cached. */
  copy(text: string, target: Uint8Array, at: number): number {
    const length = text.length;
    if (length === 0 || length > this.maxLength) return -1;
    const slot = this.slotOf(text, length);
    if (this.strings[slot] !== text) return -1;
    this.credits[slot] = 1;
    const encoding = this.encodings[slot]!;
    copyBytes(target, at, encoding);
    return encoding.length;
  }

  /** Offers `text`, which missed and was just encoded to `source[from, to)`. */
  offer(text: string, source: Uint8Array, from: number, to: number): void {
    const length = text.length;
    if (length === 0 || length > this.maxLength) return;
    const slot = this.slotOf(text, length);
    if (this.credits[slot] === 1) {
      this.credits[slot] = 0;
      return;
    }
    if (this.candidates[slot] !== text) {
      this.candidates[slot] = text;
      return;
    }
    this.strings[slot] = text;
    // A copy: a view would pin the whole slab it points into (and Buffer#slice makes views).
    const encoding = new Uint8Array(to - from);
    for (let i = 0; i < encoding.length; i++) encoding[i] = source[from + i]!;
    this.encodings[slot] = encoding;
    this.credits[slot] = 1;
    this.candidates[slot] = '';
  }

  private slotOf(text: string, length: number): number {
    return (length * 31 + text.charCodeAt(0) * 7 + text.charCodeAt(length - 1)) & this.mask;
  }
}
