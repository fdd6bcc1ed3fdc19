/**
 * The attacked server of `npm run bench -- attacks`: what `rocket-rpc demo --role provider` runs (an
 * ApiProvider serving ServiceHello and ServiceWorld, default limits, default logger), alone in its
 * own process on 127.0.0.1 so the bench reads this process's own RSS. Talks over IPC: sends
 * `{ type: 'listening', port }` once bound, answers `{ type: 'sample' }` with its RSS, the peak RSS
 * since the last sample (polled every 5 ms) and the engine's `stats()`; `{ type: 'settle' }` first
 * runs a full GC (the bench starts it with --expose-gc, between attacks only, so each attack starts
 * from what the previous one left live rather than from its garbage). Exits when the IPC channel
 * closes, so it cannot outlive the bench.
 */
import { ApiProvider } from '../../src/index.js';
import { ServiceHello, ServiceWorld } from '../../examples/service-hello/contract.js';
import { serviceHelloImpl, serviceWorldImpl } from '../../examples/service-hello/provider.js';
import type { ProviderSample } from './protocol.js';

const provider = new ApiProvider({ host: '127.0.0.1', port: 0 });
provider.register(ServiceHello, serviceHelloImpl);
provider.register(ServiceWorld, serviceWorldImpl(() => undefined));

let peakRss = process.memoryUsage.rss();
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
}, 5);

const { port } = await provider.start();
process.send!({ type: 'listening', port });

const gc = (globalThis as { gc?: () => void }).gc;

/** Two full GCs 100 ms apart: V8 frees Buffer memory after a GC, on another thread, so one is not enough to see it go. */
async function settle(): Promise<void> {
  gc?.();
  await new Promise((resolve) => setTimeout(resolve, 100));
  gc?.();
}

process.on('message', async (message: { type?: string }) => {
  if (message.type !== 'sample' && message.type !== 'settle') return;
  if (message.type === 'settle') await settle();
  const memory = process.memoryUsage();
  const rss = memory.rss;
  const sample: ProviderSample = { type: 'sample', rss, peakRss: Math.max(peakRss, rss), live: memory.heapUsed + memory.arrayBuffers, stats: { ...provider.server.stats() } };
  peakRss = rss;
  process.send!(sample);
});
process.on('disconnect', () => {
  clearInterval(sampler);
  void provider.close({ graceMs: 0 }).then(() => process.exit(0));
});
