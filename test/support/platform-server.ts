import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PlatformInstance {
  dns_ip: string;
  state: string;
}

export type PlatformBehaviour =
  | { kind: 'list' }
  | { kind: 'status'; status: number }
  | { kind: 'hang' }
  | { kind: 'body'; body: string }
  /** Pages after the first report a different total, as if the list changed mid-listing. */
  | { kind: 'shifting-total' };

/**
 * The deployment platform's instance-list endpoint, for real: a node:http server on 127.0.0.1 whose
 * list and behaviour the test changes between polls.
 */
export class PlatformServer {
  instances: PlatformInstance[] = [];
  behaviour: PlatformBehaviour = { kind: 'list' };
  readonly requests: URL[] = [];
  readonly #server = http.createServer((req, res) => this.#handle(req, res));
  readonly #hanging = new Set<http.ServerResponse>();
  #aborted = 0;

  #url = '';
  #stopped: Promise<void> | undefined;

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    const { port } = this.#server.address() as AddressInfo;
    this.#url = `http://127.0.0.1:${port}/api/apps/demo/instances?env=test`;
    return this.#url;
  }

  /** The endpoint's URL (still known after stop, so a test can point a client at a dead endpoint). */
  get url(): string {
    return this.#url;
  }

  /** Requests the client gave up on (timeout or close) while this server held them open. */
  get abortedRequests(): number {
    return this.#aborted;
  }

  online(...ips: string[]): this {
    this.instances = ips.map((ip) => ({ dns_ip: ip, state: 'working_online' }));
    return this;
  }

  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      for (const res of this.#hanging) res.destroy();
      this.#server.close(() => resolve());
      this.#server.closeAllConnections();
    });
    return this.#stopped;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://platform');
    this.requests.push(url);
    const behaviour = this.behaviour;
    switch (behaviour.kind) {
      case 'status':
        res.writeHead(behaviour.status, { 'content-type': 'text/plain' }).end('platform error');
        return;
      case 'hang':
        this.#hanging.add(res);
        res.on('close', () => {
          if (this.#hanging.delete(res)) this.#aborted++;
        });
        return;
      case 'body':
        res.writeHead(200, { 'content-type': 'application/json' }).end(behaviour.body);
        return;
      case 'list':
      case 'shifting-total': {
        const start = Number(url.searchParams.get('start') ?? 0);
        const num = Number(url.searchParams.get('num') ?? 100);
        const page = this.instances.slice(start, start + num);
        const total = behaviour.kind === 'shifting-total' && start > 0 ? this.instances.length + 1 : this.instances.length;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ num: page.length, result: page, start, total }));
        return;
      }
    }
  }
}
