import { ApiProvider, type Implementation } from '../../src/rpc/index.js';
import { HealthProbeResponder } from '../../src/health/probe.js';
import { KvService } from './kv-service.js';

export interface KvBehaviour {
  /** Calls whose key starts with this never answer (until the provider closes). */
  hangPrefix?: string;
  /** Delay before answering, in ms. */
  delayMs?: number;
}

/** A provider of KvService (in this process; 127.0.0.1 unless told otherwise), answering `<name>:<key>`. */
export class KvProvider {
  readonly name: string;
  readonly provider: ApiProvider;
  readonly responder: HealthProbeResponder;
  readonly calls: string[] = [];
  behaviour: KvBehaviour;
  #addr = '';

  constructor(name: string, behaviour: KvBehaviour = {}, port = 0, host = '127.0.0.1') {
    this.name = name;
    this.behaviour = behaviour;
    this.provider = new ApiProvider({ host, port, listing: false });
    this.responder = new HealthProbeResponder(this.provider.server);
    const answer = async (key: string | null): Promise<string> => {
      this.calls.push(key ?? '');
      if (this.behaviour.hangPrefix !== undefined && (key ?? '').startsWith(this.behaviour.hangPrefix)) await new Promise(() => undefined);
      if (this.behaviour.delayMs !== undefined) await new Promise((resolve) => setTimeout(resolve, this.behaviour.delayMs));
      return `${this.name}:${key}`;
    };
    const impl: Implementation<typeof KvService> = {
      get: (key) => answer(key),
      put: (key) => answer(key),
    };
    this.provider.register(KvService, impl);
  }

  async start(): Promise<string> {
    const { host, port } = await this.provider.start();
    this.#addr = `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    return this.#addr;
  }

  get addr(): string {
    return this.#addr;
  }

  /** Closes at once: connections with calls in flight are cut. */
  async stop(): Promise<void> {
    await this.provider.close({ graceMs: 0 });
  }
}
