import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort, JAVA, requireBinary, ServerProcess, waitUntilReady, ZOOKEEPER } from './server-process.js';

/** Short ticks so sessions expire in a couple of seconds: session timeouts are 2–20 ticks. */
export const ZOOKEEPER_TICK_MS = 200;

/** A standalone ZooKeeper on a free 127.0.0.1 port, data in a temporary directory. */
export class ZooKeeperServer {
  #process: ServerProcess | undefined;
  #dir = '';
  #port = 0;

  get connectionString(): string {
    return `127.0.0.1:${this.#port}`;
  }

  #java = '';
  #jar = '';
  #launches = 0;

  async start(): Promise<this> {
    this.#java = requireBinary(JAVA);
    this.#jar = requireBinary(ZOOKEEPER);
    this.#dir = await mkdtemp(path.join(tmpdir(), 'rocket-rpc-zk-'));
    // A port can be taken between freePort and the server binding it: retry with new ports.
    for (let attempt = 1; ; attempt++) {
      this.#port = await freePort();
      try {
        this.#process = await this.#launch();
        return this;
      } catch (error) {
        if (attempt >= 3 || !/Address already in use/i.test(String(error))) throw error;
      }
    }
  }

  async #launch(): Promise<ServerProcess> {
    const launch = ++this.#launches;
    const dataDir = path.join(this.#dir, `data-${launch}`);
    await mkdir(dataDir);
    const config = path.join(this.#dir, `zoo-${launch}.cfg`);
    await writeFile(
      config,
      [
        `tickTime=${ZOOKEEPER_TICK_MS}`,
        `dataDir=${dataDir}`,
        `clientPort=${this.#port}`,
        'clientPortAddress=127.0.0.1',
        'admin.enableServer=false',
        '4lw.commands.whitelist=srvr,ruok',
        'maxClientCnxns=0',
        '',
      ].join('\n'),
    );
    const server = new ServerProcess(
      this.#java,
      ['-Xmx256m', '-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-cp', `${this.#jar}:/usr/share/java/slf4j-simple.jar`, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', config],
      { cwd: this.#dir, logFile: path.join(this.#dir, `zookeeper-${launch}.log`) },
    );
    try {
      await waitUntilReady('zookeeper', () => this.#serving(), server);
      return server;
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /** `srvr` answers "Mode: standalone" only once the server is serving requests. */
  #serving(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect(this.#port, '127.0.0.1');
      let answer = '';
      socket.setTimeout(1_000, () => socket.destroy());
      socket.on('connect', () => socket.write('srvr'));
      socket.on('data', (chunk) => (answer += chunk.toString('latin1')));
      socket.on('error', () => resolve(false));
      socket.on('close', () => resolve(/Mode: standalone/.test(answer)));
    });
  }

  async stop(): Promise<void> {
    await this.#process?.stop();
    this.#process = undefined;
    if (this.#dir !== '') await rm(this.#dir, { recursive: true, force: true });
  }
}
