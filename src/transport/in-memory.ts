import { Duplex } from 'node:stream';
import { RemotingConnectError } from './errors.js';
import type { Connector } from './remoting-client.js';
import type { RemotingServer } from './remoting-server.js';

/**
 * Two connected in-process byte streams: what one writes, the other reads. Bytes still go through
 * the full codec and framing, so an in-memory test exercises the same path as TCP.
 */
export function createStreamPair(): [Duplex, Duplex] {
  let left: Duplex | null = null;
  let right: Duplex | null = null;
  const make = (peer: () => Duplex | null): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        const other = peer();
        if (other === null || other.destroyed) callback(new Error('in-memory peer closed'));
        else {
          other.push(chunk);
          callback();
        }
      },
      final(callback) {
        peer()?.push(null);
        callback();
      },
      destroy(error, callback) {
        const other = peer();
        if (other !== null && !other.destroyed) other.push(null);
        callback(error);
      },
    });
  left = make(() => right);
  right = make(() => left);
  return [left, right];
}

/**
 * A process-local "network": servers listen under an address, clients reach them through
 * `connector`. Lets users test providers and consumers without sockets.
 *
 * ```ts
 * const network = new InMemoryNetwork();
 * network.listen('svc:1', server);               // server need not be started
 * const client = new RemotingClient({ connector: network.connector });
 * await client.invokeSync('svc:1', request, 1000);
 * ```
 */
export class InMemoryNetwork {
  private readonly servers = new Map<string, RemotingServer>();
  private connections = 0;

  listen(addr: string, server: RemotingServer): void {
    this.servers.set(addr, server);
  }

  unlisten(addr: string): void {
    this.servers.delete(addr);
  }

  readonly connector: Connector = (addr) => {
    const server = this.servers.get(addr);
    if (server === undefined) throw new RemotingConnectError(addr, { reason: 'nothing listens there in this InMemoryNetwork' });
    const [clientSide, serverSide] = createStreamPair();
    try {
      server.acceptStream(serverSide, `memory:${++this.connections}`);
    } catch (error) {
      // A closed server refuses the connection: to the caller that is a failed connect, as over
      // TCP, not the client's own EngineClosedError.
      clientSide.destroy();
      throw new RemotingConnectError(addr, { cause: error, reason: (error as Error).message });
    }
    return clientSide;
  };
}
