import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ETCD, freePort, requireBinary, ServerProcess, waitUntilReady } from './server-process.js';

/** A single-member etcd (v3 API) on free 127.0.0.1 ports, data in a temporary directory. */
export class EtcdServer {
  #process: ServerProcess | undefined;
  #dir = '';
  #clientPort = 0;

  get endpoint(): string {
    return `http://127.0.0.1:${this.#clientPort}`;
  }

  get pid(): number | undefined {
    return this.#process?.pid;
  }

  async start(): Promise<this> {
    const binary = requireBinary(ETCD);
    this.#dir = await mkdtemp(path.join(tmpdir(), 'rocket-rpc-etcd-'));
    // A port can be taken between freePort and etcd binding it: retry with new ports.
    for (let attempt = 1; ; attempt++) {
      this.#clientPort = await freePort();
      const peerPort = await freePort();
      const peer = `http://127.0.0.1:${peerPort}`;
      const server = new ServerProcess(
        binary,
        [
          '--name', 'rocket-rpc-test',
          '--data-dir', path.join(this.#dir, `data-${attempt}`),
          '--listen-client-urls', this.endpoint,
          '--advertise-client-urls', this.endpoint,
          '--listen-peer-urls', peer,
          '--initial-advertise-peer-urls', peer,
          '--initial-cluster', `rocket-rpc-test=${peer}`,
          '--log-level', 'warn',
        ],
        { cwd: this.#dir, logFile: path.join(this.#dir, `etcd-${attempt}.log`) },
      );
      try {
        await waitUntilReady('etcd', () => this.#healthy(), server);
        this.#process = server;
        return this;
      } catch (error) {
        await server.stop();
        if (attempt >= 3 || !/address already in use/.test(server.tail())) throw error;
      }
    }
  }

  async #healthy(): Promise<boolean> {
    const response = await fetch(`${this.endpoint}/health`, { signal: AbortSignal.timeout(1_000) });
    const body = (await response.json()) as { health?: string };
    return response.ok && body.health === 'true';
  }

  async stop(): Promise<void> {
    await this.#process?.stop();
    this.#process = undefined;
    if (this.#dir !== '') await rm(this.#dir, { recursive: true, force: true });
  }
}
