import { promises as dnsPromises } from 'node:dns';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DNSMASQ, freePort, requireBinary, ServerProcess, waitUntilReady } from './server-process.js';

/**
 * dnsmasq on a free 127.0.0.1 port, answering only from its own records (no upstream, no
 * /etc/hosts): a real-world DNS server, next to the tests' own dns2 one. Address records come from
 * a hosts file the test rewrites, reloaded with SIGHUP.
 */
export class DnsmasqServer {
  #process: ServerProcess | undefined;
  #dir = '';
  #port = 0;
  #hostsFile = '';

  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** `srv` entries: `_service._tcp.name,target,port,priority,weight`. */
  async start(hosts: string, srv: readonly string[]): Promise<this> {
    const binary = requireBinary(DNSMASQ);
    this.#dir = await mkdtemp(path.join(tmpdir(), 'rocket-rpc-dnsmasq-'));
    this.#hostsFile = path.join(this.#dir, 'hosts');
    await writeFile(this.#hostsFile, hosts);
    for (let attempt = 1; ; attempt++) {
      this.#port = await freePort();
      const server = new ServerProcess(
        binary,
        [
          '--keep-in-foreground',
          '--conf-file=/dev/null',
          '--no-resolv',
          '--no-hosts',
          '--no-poll',
          '--pid-file=',
          '--user=root',
          '--bind-interfaces',
          '--listen-address=127.0.0.1',
          `--port=${this.#port}`,
          `--addn-hosts=${this.#hostsFile}`,
          '--local-ttl=0',
          '--log-facility=-',
          ...srv.map((entry) => `--srv-host=${entry}`),
        ],
        { cwd: this.#dir, logFile: path.join(this.#dir, `dnsmasq-${attempt}.log`) },
      );
      const resolver = new dnsPromises.Resolver({ timeout: 500, tries: 1 });
      resolver.setServers([this.address]);
      try {
        await waitUntilReady('dnsmasq', async () => (await resolver.resolveSrv(srv[0]?.split(',')[0] ?? 'localhost')).length > 0, server);
        this.#process = server;
        return this;
      } catch (error) {
        await server.stop();
        if (attempt >= 3 || !/in use/i.test(server.tail())) throw error;
      }
    }
  }

  /** Rewrites the hosts file and tells dnsmasq (SIGHUP, by the PID this test started) to re-read it. */
  async setHosts(hosts: string): Promise<void> {
    await writeFile(this.#hostsFile, hosts);
    this.#process?.child.kill('SIGHUP');
  }

  async stop(): Promise<void> {
    await this.#process?.stop();
    this.#process = undefined;
    if (this.#dir !== '') await rm(this.#dir, { recursive: true, force: true });
  }
}
