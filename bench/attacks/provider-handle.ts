/**
 * Starts bench/attacks/provider-process.ts as a child process and samples its RSS and engine stats
 * over IPC. The child's output (the default logger's lines) is counted, not shown.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { ProviderSample } from './protocol.js';

const script = fileURLToPath(new URL('./provider-process.js', import.meta.url));

export class ProviderHandle {
  /** Lines the provider wrote (its logger: warnings for every connection a limit closed). */
  logLines = 0;
  private readonly waiters: Array<(sample: ProviderSample) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
  ) {
    child.on('message', (message: ProviderSample) => {
      if (message.type === 'sample') this.waiters.shift()?.(message);
    });
    const count = (chunk: Buffer): void => {
      for (const byte of chunk) if (byte === 10) this.logLines++;
    };
    child.stdout?.on('data', count);
    child.stderr?.on('data', count);
  }

  static async start(): Promise<ProviderHandle> {
    const child = fork(script, [], { execArgv: ['--expose-gc'], stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
    const [message] = (await Promise.race([
      once(child, 'message'),
      once(child, 'exit').then(([code]) => Promise.reject(new Error(`provider exited (${String(code)}) before listening`))),
    ])) as [{ type: string; port: number }];
    return new ProviderHandle(child, message.port);
  }

  get pid(): number {
    return this.child.pid!;
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  sample(): Promise<ProviderSample> {
    return this.ask('sample');
  }

  /**
   * Full GCs in the provider, then a sample: what the previous attack left live. Answers match
   * requests in order, so no `sample()` may run meanwhile (the bench settles only between attacks).
   */
  settle(): Promise<ProviderSample> {
    return this.ask('settle');
  }

  private ask(type: 'sample' | 'settle'): Promise<ProviderSample> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.child.send({ type });
    });
  }

  /** Closes the IPC channel (the child then closes its provider and exits); SIGKILL after 5 s. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * Samples the provider every `everyMs` until stopped: the highest RSS seen and the samples' stats,
 * so an attack reads its peak and counters when it ends.
 */
export class RssWatch {
  peakRss = 0;
  /** Highest heap + buffer memory seen at a sample (every `everyMs`, so a lower bound of the true peak). */
  peakLive = 0;
  last: ProviderSample | null = null;
  private running = true;
  private readonly loop: Promise<void>;

  constructor(private readonly provider: ProviderHandle, everyMs = 50) {
    this.loop = (async () => {
      while (this.running) {
        const sample = await provider.sample();
        this.peakRss = Math.max(this.peakRss, sample.peakRss);
        this.peakLive = Math.max(this.peakLive, sample.live);
        this.last = sample;
        await new Promise((resolve) => setTimeout(resolve, everyMs));
      }
    })();
  }

  async stop(): Promise<ProviderSample> {
    this.running = false;
    await this.loop;
    const final = await this.provider.sample();
    this.peakRss = Math.max(this.peakRss, final.peakRss);
    this.peakLive = Math.max(this.peakLive, final.live);
    return final;
  }
}
