/** Messages between `npm run bench -- attacks` and its provider process (bench/attacks/provider-process.ts). */
import type { RemotingServerStats } from '../../src/transport/remoting-server.js';

export interface ProviderSample {
  type: 'sample';
  /** RSS now, bytes. */
  rss: number;
  /** Highest RSS since the previous sample (polled every 5 ms), bytes. */
  peakRss: number;
  /** V8 heap in use plus ArrayBuffer (Buffer) memory: what is live, as against what the allocator keeps, bytes. */
  live: number;
  stats: RemotingServerStats;
}
