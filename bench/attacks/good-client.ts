/**
 * The well-behaved client of `npm run bench -- attacks`: its own connection, `sayHello` every
 * 100 ms (the next call starts 100 ms after the previous one ended), each with its own timeout;
 * every call's start time, latency and outcome are kept so each attack's window can be summarized.
 */
import { ApiConsumer } from '../../src/index.js';
import { ServiceHello } from '../../examples/service-hello/contract.js';

export interface GoodCall {
  /** `performance.now()` at the call's start. */
  at: number;
  ms: number;
  error?: string;
}

export interface GoodWindow {
  calls: number;
  failures: number;
  p50: number;
  p99: number;
  max: number;
  firstError?: string;
}

export class GoodClient {
  readonly calls: GoodCall[] = [];
  private running = true;
  private readonly consumer: ApiConsumer;
  private readonly loop: Promise<void>;

  constructor(addr: string, timeoutMs: number, everyMs = 100) {
    this.consumer = new ApiConsumer({ target: addr, timeoutMs });
    const hello = this.consumer.proxy(ServiceHello);
    this.loop = (async () => {
      for (let i = 0; this.running; i++) {
        const at = performance.now();
        try {
          const answer = await hello.sayHello('good', String(i));
          if (answer !== `hello good ${i}`) throw new Error(`answered ${JSON.stringify(answer)}`);
          this.calls.push({ at, ms: performance.now() - at });
        } catch (error) {
          this.calls.push({ at, ms: performance.now() - at, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
        }
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
  }

  /** Calls started in [from, to). */
  window(from: number, to: number): GoodWindow {
    const calls = this.calls.filter((call) => call.at >= from && call.at < to);
    const sorted = calls.map((call) => call.ms).sort((a, b) => a - b);
    const pick = (q: number): number => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);
    const failed = calls.filter((call) => call.error !== undefined);
    return { calls: calls.length, failures: failed.length, p50: pick(0.5), p99: pick(0.99), max: sorted.at(-1) ?? 0, ...(failed[0]?.error === undefined ? {} : { firstError: failed[0].error }) };
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
    await this.consumer.close();
  }
}
