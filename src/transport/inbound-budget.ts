/** What the budget needs from a connection: the bytes it holds and a way to close it. */
export interface BudgetHolder {
  /** Bytes of unfinished frames this connection holds, as last reported with `change`. */
  readonly heldBytes: number;
  /** Closes the connection because the budget ran out; it then calls `leave`. */
  evictForBudget(): void;
}

/**
 * A bound on the bytes held in frames not yet complete, shared by every connection of a server
 * (or client). Each connection reports the change of what it holds after each chunk, O(1); only
 * when the total passes the limit does the budget look for the connection holding the most and
 * close it, until the total fits again. Complete frames are never held here: they are decoded and
 * handed on, so other connections' traffic keeps flowing.
 */
export class InboundBudget {
  readonly limitBytes: number;
  private used = 0;
  private readonly holders = new Set<BudgetHolder>();

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  /** Bytes held in unfinished frames across all connections now. */
  get usedBytes(): number {
    return this.used;
  }

  join(holder: BudgetHolder): void {
    this.holders.add(holder);
  }

  /** Forgets a closed connection and what it held. */
  leave(holder: BudgetHolder): void {
    if (!this.holders.delete(holder)) return;
    this.used -= holder.heldBytes;
  }

  /** Records that a connection now holds `delta` bytes more (or fewer); evicts when over the limit. */
  change(delta: number): void {
    this.used += delta;
    if (this.used > this.limitBytes) this.evict();
  }

  private evict(): void {
    while (this.used > this.limitBytes) {
      let largest: BudgetHolder | null = null;
      for (const holder of this.holders) if (largest === null || holder.heldBytes > largest.heldBytes) largest = holder;
      if (largest === null || largest.heldBytes === 0) return;
      const before = this.used;
      largest.evictForBudget();
      // A holder that did not leave would make this loop spin; drop it from the count instead.
      if (this.used === before) this.leave(largest);
    }
  }
}
