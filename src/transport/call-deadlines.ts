import { performance } from 'node:perf_hooks';

/**
 * When pending calls time out, with one Node timer per timeout value instead of one per call.
 *
 * A Node timer per call costs a `Timeout` object and two trips into native code (to arm it and
 * to clear it), about 5% of a client's CPU per call once the rest of the path is lean. Calls made
 * with the same timeout reach their deadlines in the order they were made, so each timeout value
 * keeps a FIFO of (deadline, opaque) in typed arrays and one timer, armed for its oldest entry.
 *
 * A call that ends before its deadline is not looked for: its entry stays until the deadline
 * comes, and `expire` is told about it anyway (the owner checks the call is still waiting with that
 * deadline). A full FIFO first drops such entries (`isWaiting`), so it holds about as many entries
 * as there are calls in flight, however long the timeout.
 *
 * `add` refuses, and the caller arms a timer of the call's own, when the deadline is earlier than
 * the last one in its FIFO (a call that waited for its connection), the timeout is not a plain
 * millisecond count below 2^31, or MAX_QUEUES other timeout values are in use.
 */
export class CallDeadlines {
  private readonly queues = new Map<number, DeadlineQueue>();
  /** Whether the timers keep the process alive: only while some call is waiting. */
  private refed = false;

  constructor(
    /** An entry's deadline has passed; fail the call if it is still the one waiting. */
    readonly expire: (opaque: number, deadline: number) => void,
    /** Whether the call `opaque` with this deadline is still waiting. */
    readonly isWaiting: (opaque: number, deadline: number) => boolean,
  ) {}

  get keepsAlive(): boolean {
    return this.refed;
  }

  /** Entries held, including those of calls that already ended. */
  get size(): number {
    let size = 0;
    for (const queue of this.queues.values()) size += queue.length;
    return size;
  }

  add(opaque: number, timeoutMs: number, deadline: number): boolean {
    let queue = this.queues.get(timeoutMs);
    if (queue === undefined) {
      if (!(timeoutMs > 0 && timeoutMs <= MAX_QUEUED_TIMEOUT_MS) || !this.makeRoom()) return false;
      queue = new DeadlineQueue(this);
      this.queues.set(timeoutMs, queue);
    }
    return queue.push(opaque, deadline);
  }

  /** Calls are waiting: the timers hold the process open, as a timer per call would. */
  ref(): void {
    this.refed = true;
    for (const queue of this.queues.values()) queue.timer?.ref();
  }

  /** No call is waiting: leftover entries must not hold the process open. */
  unref(): void {
    this.refed = false;
    for (const queue of this.queues.values()) queue.timer?.unref();
  }

  /** Stops every timer and forgets every entry (engine shutdown). */
  clear(): void {
    for (const queue of this.queues.values()) queue.clear();
    this.queues.clear();
  }

  /** Frees a slot for a new timeout value by dropping an empty queue; false if none is empty. */
  private makeRoom(): boolean {
    if (this.queues.size < MAX_QUEUES) return true;
    for (const [timeoutMs, queue] of this.queues) {
      if (queue.length === 0) {
        queue.clear();
        this.queues.delete(timeoutMs);
        return true;
      }
    }
    return false;
  }
}

/** Distinct timeout values handled with a shared timer; others get a timer per call. */
const MAX_QUEUES = 8;
/** Longer timeouts (up to Infinity) keep the per-call timer and its capping (timer-delay.ts). */
const MAX_QUEUED_TIMEOUT_MS = 2 ** 31 - 1;
const INITIAL_CAPACITY = 64;

/** A ring of (deadline, opaque) in deadline order, and the timer for its head. */
class DeadlineQueue {
  timer: NodeJS.Timeout | null = null;
  length = 0;
  private deadlines = new Float64Array(INITIAL_CAPACITY);
  private opaques = new Int32Array(INITIAL_CAPACITY);
  private head = 0;

  constructor(private readonly owner: CallDeadlines) {}

  push(opaque: number, deadline: number): boolean {
    const mask = this.deadlines.length - 1;
    if (this.length > 0 && deadline < this.deadlines[(this.head + this.length - 1) & mask]!) return false;
    if (this.length === this.deadlines.length) this.makeRoom();
    const at = (this.head + this.length) & (this.deadlines.length - 1);
    this.deadlines[at] = deadline;
    this.opaques[at] = opaque;
    this.length++;
    if (this.timer === null) this.arm(deadline);
    return true;
  }

  clear(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.length = 0;
  }

  private readonly fire = (): void => {
    this.timer = null;
    const now = performance.now();
    try {
      while (this.length > 0) {
        const deadline = this.deadlines[this.head]!;
        if (deadline > now) break;
        const opaque = this.opaques[this.head]!;
        this.head = (this.head + 1) & (this.deadlines.length - 1);
        this.length--;
        this.owner.expire(opaque, deadline);
      }
    } finally {
      if (this.length > 0 && this.timer === null) this.arm(this.deadlines[this.head]!);
    }
  };

  private arm(deadline: number): void {
    // Never early: a timer that fires before the deadline (the loop clock lags) finds nothing due
    // and is armed again for the rest.
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(deadline - performance.now())));
    if (!this.owner.keepsAlive) this.timer.unref();
  }

  /**
   * Full: drops, in place, the entries of calls that already ended; doubles the ring if more than
   * half are still waiting (so each entry is checked O(1) times on average).
   */
  private makeRoom(): void {
    const capacity = this.deadlines.length;
    const mask = capacity - 1;
    const { deadlines, opaques } = this;
    let kept = 0;
    for (let i = 0; i < this.length; i++) {
      const from = (this.head + i) & mask;
      if (!this.owner.isWaiting(opaques[from]!, deadlines[from]!)) continue;
      const to = (this.head + kept) & mask;
      deadlines[to] = deadlines[from]!;
      opaques[to] = opaques[from]!;
      kept++;
    }
    this.length = kept;
    if (kept * 2 <= capacity) return;
    const grownDeadlines = new Float64Array(capacity * 2);
    const grownOpaques = new Int32Array(capacity * 2);
    for (let i = 0; i < kept; i++) {
      const at = (this.head + i) & mask;
      grownDeadlines[i] = deadlines[at]!;
      grownOpaques[i] = opaques[at]!;
    }
    this.deadlines = grownDeadlines;
    this.opaques = grownOpaques;
    this.head = 0;
  }
}
