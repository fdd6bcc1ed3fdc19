import { ApiConsumer, ApiProvider, type ApiConsumerOptions, type ApiProviderOptions } from '../../../src/index.js';

export interface Pair {
  provider: ApiProvider;
  consumer: ApiConsumer;
  addr: string;
  close(): Promise<void>;
}

/** A provider on 127.0.0.1:0, set up by `setup`, and a consumer aimed at it. */
export async function startPair(setup: (provider: ApiProvider) => void, options: { provider?: ApiProviderOptions; consumer?: ApiConsumerOptions } = {}): Promise<Pair> {
  const provider = new ApiProvider({ host: '127.0.0.1', port: 0, ...options.provider });
  setup(provider);
  const { addr } = await provider.start();
  const consumer = new ApiConsumer({ target: addr, ...options.consumer });
  return {
    provider,
    consumer,
    addr,
    async close() {
      await consumer.close();
      await provider.close({ graceMs: 0 });
    },
  };
}

/** A promise with its resolve function, for waiting on events instead of sleeping. */
export { deferred } from '../../support/transport-harness.js';
